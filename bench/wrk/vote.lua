-- PUT /api/v1/proposals/{id}/vote, each request as one of the bench accounts (its own token),
-- on a proposal open to votes, with a random choice (new votes and changed ones mixed).
-- Arguments (after --): tokens file ("user_id token" lines), proposal ids file (one a line).
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local created_threads = 0
local setup_report = setup

function setup(thread)
  created_threads = created_threads + 1
  thread:set("thread_id", created_threads)
  setup_report(thread)
end

local choices = {"favor", "against", "abstain"}

function init(args)
  statuses = {}
  tokens, ids = {}, {}
  for line in io.lines(args[1]) do
    local _, token = line:match("(%d+) (%S+)")
    if token then table.insert(tokens, token) end
  end
  for line in io.lines(args[2]) do
    if line ~= "" then table.insert(ids, line) end
  end
  -- A new sequence each run: a run replaying the last one's would only change votes.
  math.randomseed(os.time() + thread_id * 7919)
end

function request()
  local token = tokens[math.random(#tokens)]
  local id = ids[math.random(#ids)]
  local body = '{"choice": "' .. choices[math.random(3)] .. '"}'
  return wrk.format("PUT", "/api/v1/proposals/" .. id .. "/vote",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

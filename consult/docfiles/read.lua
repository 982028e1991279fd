-- Reading a file (consult.docfiles.convert.read): images are dropped and counted, spans
-- and divs unwrapped, and every top-level heading becomes a marker paragraph carrying its
-- level and its plain text (hex-encoded, so the Markdown writer leaves it alone). The
-- Python side then splits the Markdown at the markers.
local images = 0

local function hex(text)
  return (text:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

local function marker(text)
  return pandoc.Para({pandoc.Str(text)})
end

function Image(_)
  images = images + 1
  return {}
end

function Span(el) return el.content end
function Div(el) return el.content end

function Figure(el)
  local blocks = pandoc.List()
  blocks:extend(el.content)
  blocks:extend(el.caption.long or {})
  return blocks
end

function Para(el) if #el.content == 0 then return {} end end
function Plain(el) if #el.content == 0 then return {} end end

function Pandoc(doc)
  local blocks = pandoc.List({marker("CONSULTCHUNK0L0H")})
  local count = 0
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" then
      count = count + 1
      blocks:insert(marker(string.format("CONSULTCHUNK%dL%dH%s", count, block.level,
                                         hex(pandoc.utils.stringify(block.content)))))
    else
      blocks:insert(block)
    end
  end
  local title = doc.meta.title and pandoc.utils.stringify(doc.meta.title) or ""
  blocks:insert(marker("CONSULTEND" .. images .. "T" .. hex(title)))
  return pandoc.Pandoc(blocks, {})
end

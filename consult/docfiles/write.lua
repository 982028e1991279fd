-- Writing an export (consult.docfiles.convert.write_file): marker paragraphs made by the
-- Python side become the title page, the level-1 section headings, the annex and page
-- breaks; headings inside section texts move one level up (level 2 at least), so only
-- sections start at level 1; images in section texts are dropped (nothing is fetched).
local function unhex(text)
  return (text:gsub("..", function(h) return string.char(tonumber(h, 16)) end))
end

function Image(_) return {} end

local function marker(block)
  if block.t ~= "Para" or #block.content ~= 1 or block.content[1].t ~= "Str" then return nil end
  local kind, payload = block.content[1].text:match("^CONSULT(%u+)X(%x*)$")
  if kind then return kind, unhex(payload) end
end

local function expand(kind, text)
  if kind == "HEADING" then return {pandoc.Header(1, pandoc.Inlines(text))} end
  if kind == "PARA" then return {pandoc.Para(pandoc.Inlines(text))} end
  if kind == "STRONG" then return {pandoc.Para({pandoc.Strong(pandoc.Inlines(text))})} end
  if kind == "LIST" then
    local items = pandoc.List()
    for item in (text .. "\31"):gmatch("(.-)\31") do items:insert({pandoc.Plain(pandoc.Inlines(item))}) end
    return {pandoc.BulletList(items)}
  end
  if kind == "BREAK" and FORMAT == "docx" then
    return {pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')}
  end
  return {}
end

function Pandoc(doc)
  local blocks = pandoc.List()
  for _, block in ipairs(doc.blocks) do
    local kind, text = marker(block)
    if kind then
      blocks:extend(expand(kind, text))
    elseif block.t == "Header" then
      block.level = math.max(2, block.level - 1)
      blocks:insert(block)
    elseif not (block.t == "Para" and #block.content == 0) then
      blocks:insert(block)
    end
  end
  return pandoc.Pandoc(blocks, doc.meta)
end

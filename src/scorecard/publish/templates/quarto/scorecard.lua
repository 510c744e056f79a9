-- The scorecard's committee paper (Typst) from the staged blocks.
--
-- * A table arrives as the package's own HTML in a raw block inside a div ".sc-pdf-table": it is
--   read here with Pandoc's HTML reader into one Pandoc table (a build error otherwise: a table is
--   never dropped), aligned and emphasised from its great-tables classes, its notes (tfoot) moved
--   under it. This runs at "pre-ast", before Quarto's own raw-HTML table processing, which would
--   call `quarto run juice.ts` (a module that the Quarto 1.8 launcher may have to download).
-- * A div with one of the classes below becomes a call of the Typst function of the same name
--   defined in typst-template.typ.
--
-- Every raw piece this filter writes is a constant of this file; every word between them is
-- written by Pandoc's Typst writer, which escapes it. Nothing here reads data.

if not quarto.doc.is_format("typst") then
  return {}
end

local WRAP = {
  ["sc-edition"] = true, ["sc-cover"] = true, ["sc-kicker"] = true, ["sc-cover-title"] = true,
  ["sc-cover-month"] = true, ["sc-cover-line"] = true, ["sc-banner"] = true, ["sc-byline"] = true,
  ["sc-notes"] = true, ["sc-words"] = true, ["sc-commentary"] = true, ["sc-online"] = true,
  ["sc-caption"] = true, ["sc-tiles"] = true, ["sc-text"] = true,
}
local EMPTY = {
  ["sc-contents"] = "#sc-contents()",
  ["sc-newpage"] = "#pagebreak(weak: true)",
}
local ALIGN = { gt_right = "AlignRight", gt_center = "AlignCenter", gt_left = "AlignLeft" }

local tables_done = 0

local function has(classes, name)
  for _, c in ipairs(classes) do
    if c == name then return true end
  end
  return false
end

local function align_of(classes)
  for _, c in ipairs(classes) do
    if ALIGN[c] then return ALIGN[c] end
  end
  return nil
end

-- great-tables' footnote marks (a, b, ...) as superscripts; the printed glyph notes on their own line
local function tidy_inlines(blocks)
  return pandoc.walk_block(pandoc.Div(blocks), {
    Span = function(span)
      if has(span.classes, "gt_footnote_marks") then
        return pandoc.Superscript(span.content)
      end
      if has(span.classes, "sc-sr") then   -- words for screen readers beside a glyph (the arrows)
        return {}
      end
      if has(span.classes, "sc-printed") then   -- "printed ⇩" on a line of its own, in one piece
        local out = pandoc.List({ pandoc.LineBreak() })
        for _, el in ipairs(span.content) do
          out:insert(el.t == "Space" and pandoc.Str("\u{00A0}") or el)
        end
        return pandoc.Span(out)
      end
      span.attributes.style = nil
      return span
    end,
  }).content
end

local function wrap_inlines(blocks, open)
  local inlines = pandoc.List({ pandoc.RawInline("typst", open) })
  inlines:extend(pandoc.utils.blocks_to_inlines(blocks))
  inlines:insert(pandoc.RawInline("typst", "]"))
  return { pandoc.Plain(inlines) }
end

local function each_cell(rows, fn)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      fn(cell)
    end
  end
end

-- Column widths for the wide tables, which Typst's automatic sizing would squeeze below their headings'
-- longest words (it shrinks every auto column wider than an equal share): each column as wide as its
-- longest word at 7pt (an estimate from DejaVu Sans' widths), the indicator's name takes the rest.
local PAGE_WIDTH = 790.0        -- points: A4 landscape less 9 mm margins (page.typ)
local SIZE = 7.0                -- the tables' type size, points
local INSET = 2.6               -- both sides (typst-template.typ)
local MIN_INDICATOR = 120.0
local CONDENSED = 0.9           -- DejaVu Sans Condensed (stretch 87.5%) against DejaVu Sans

-- the width of a word at SIZE, in points, from DejaVu Sans' advance widths (em) by kind of character
local function word_width(word, bold)
  local em = 0
  for _, code in utf8.codes(word) do
    if code >= 65 and code <= 90 then em = em + 0.70            -- A-Z
    elseif code >= 48 and code <= 57 then em = em + 0.64        -- 0-9
    elseif code >= 97 and code <= 122 then em = em + 0.60       -- a-z
    elseif code == 0x200B then em = em + 0                       -- a break opportunity
    elseif code < 128 then em = em + 0.40                        -- punctuation
    else em = em + 0.84 end                                      -- arrows, ticks, letters with accents
  end
  return em * SIZE * (bold and 1.1 or 1.0) * CONDENSED
end

local function longest_word(blocks, bold)
  local n = 0
  local text = pandoc.utils.stringify(blocks):gsub("\u{200B}", " ")
  for word in text:gmatch("%S+") do
    n = math.max(n, word_width(word, bold))
  end
  return n
end

local function set_widths(tbl, wide)
  local ncols = #tbl.colspecs
  local need = {}
  for i = 1, ncols do need[i] = 0 end
  local function measure(rows, bold)
    local busy = {}   -- columns still covered by a cell of an earlier row (rowspan)
    for _, row in ipairs(rows) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        while (busy[col] or 0) > 0 do col = col + 1 end
        if cell.col_span == 1 and col ~= wide and col <= ncols then
          need[col] = math.max(need[col], longest_word(cell.contents, bold) + INSET)
        end
        for c = col, col + cell.col_span - 1 do busy[c] = cell.row_span end
        col = col + cell.col_span
      end
      for c, n in pairs(busy) do busy[c] = n - 1 end
    end
  end
  measure(tbl.head.rows, true)
  for _, body in ipairs(tbl.bodies) do
    measure(body.body, false)
  end
  local others = 0
  for i = 1, ncols do
    if i ~= wide then others = others + need[i] end
  end
  local scale = 1.0
  if PAGE_WIDTH - others < MIN_INDICATOR then
    scale = (PAGE_WIDTH - MIN_INDICATOR) / others
  end
  local used = 0
  for i = 1, ncols do
    if i ~= wide then
      local w = need[i] * scale / PAGE_WIDTH
      tbl.colspecs[i] = { tbl.colspecs[i][1], w }
      used = used + w
    end
  end
  tbl.colspecs[wide] = { tbl.colspecs[wide][1], math.max(0.05, 1.0 - used - 0.002) }
end

-- a column left out on paper (the definitions' long text: online only, as in the builtin paper)
local function drop_column(tbl, header_id)
  local index = nil
  for _, row in ipairs(tbl.head.rows) do
    local col = 1
    for _, cell in ipairs(row.cells) do
      if cell.identifier == header_id and cell.col_span == 1 then index = col end
      col = col + cell.col_span
    end
  end
  if not index then
    error("scorecard.lua: no column " .. header_id .. " to leave out")
  end
  local function drop(rows)
    for _, row in ipairs(rows) do
      local col, kept = 1, pandoc.List()
      for _, cell in ipairs(row.cells) do
        local span = cell.col_span
        if col == index and span == 1 then
          -- left out
        elseif col <= index and index < col + span then
          cell.col_span = span - 1
          kept:insert(cell)
        else
          kept:insert(cell)
        end
        col = col + span
      end
      row.cells = kept
    end
  end
  drop(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    drop(body.head)
    drop(body.body)
  end
  drop(tbl.foot.rows)
  tbl.colspecs:remove(index)
end

local function scorecard_table(tbl, opts)
  if opts.drop then drop_column(tbl, opts.drop) end
  local ncols = #tbl.colspecs
  -- alignment from great-tables' classes, per cell and, from the body, per column
  local votes = {}
  local wide = nil
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        local a = align_of(cell.classes)
        if has(cell.classes, "sc-k-indicator") and cell.col_span == 1 then
          wide = col
        end
        if a and cell.col_span == 1 then
          votes[col] = votes[col] or {}
          votes[col][a] = (votes[col][a] or 0) + 1
        end
        col = col + cell.col_span
      end
    end
  end
  for i = 1, ncols do
    local best, n = nil, 0
    for a, k in pairs(votes[i] or {}) do
      if k > n then best, n = a, k end
    end
    if best then tbl.colspecs[i] = { best, tbl.colspecs[i][2] } end
  end

  local function tidy(cell)
    local a = align_of(cell.classes)
    if a then cell.alignment = a end
    cell.contents = tidy_inlines(cell.contents)
  end
  each_cell(tbl.head.rows, tidy)
  for _, body in ipairs(tbl.bodies) do
    each_cell(body.head, tidy)
    each_cell(body.body, tidy)
  end
  -- column headings may break after a hyphen ("Jul-|25", "2025-|26"), as the builtin paper's do; never hyphenated
  each_cell(tbl.head.rows, function(cell)
    if cell.col_span == 1 then
      cell.contents = pandoc.walk_block(pandoc.Div(cell.contents), {
        Str = function(str)
          return pandoc.Str((str.text:gsub("(%w)%-(%w)", "%1-\u{200B}%2")))
        end,
      }).content
    end
  end)
  if wide and ncols > 6 then
    set_widths(tbl, wide)
  end
  -- the title and subtitle on one line ("<team or block> · <block, month>"), then the column headings
  local rows = tbl.head.rows
  if #rows >= 2 and #rows[1].cells == 1 and #rows[2].cells == 1 and has(rows[1].cells[1].classes, "gt_title")
      and has(rows[2].cells[1].classes, "gt_subtitle") then
    local title = rows[1].cells[1]
    local inlines = pandoc.List({ pandoc.RawInline("typst", "#sc-table-title[") })
    inlines:extend(pandoc.utils.blocks_to_inlines(title.contents))
    inlines:insert(pandoc.RawInline("typst", "] #sc-table-subtitle[· "))
    inlines:extend(pandoc.utils.blocks_to_inlines(rows[2].cells[1].contents))
    inlines:insert(pandoc.RawInline("typst", "]"))
    title.contents = { pandoc.Plain(inlines) }
    title.classes = pandoc.List({ "sc-done" })
    rows:remove(2)
  end
  each_cell(tbl.head.rows, function(cell)
    if has(cell.classes, "sc-done") then return end
    if has(cell.classes, "gt_title") then
      cell.contents = wrap_inlines(cell.contents, "#sc-table-title[")
    elseif has(cell.classes, "gt_subtitle") then
      cell.contents = wrap_inlines(cell.contents, "#sc-table-subtitle[")
    else
      cell.contents = wrap_inlines(cell.contents, "#sc-table-heading[")
    end
  end)
  -- the notes (tfoot) once, under the table, not repeated on every page
  local notes = pandoc.List()
  for _, row in ipairs(tbl.foot.rows) do
    for _, cell in ipairs(row.cells) do
      if not (opts.no_source and has(cell.classes, "gt_sourcenote")) then
        notes:insert(pandoc.Para(pandoc.utils.blocks_to_inlines(cell.contents)))
      end
    end
  end
  tbl.foot = pandoc.TableFoot()
  tbl.caption = pandoc.Caption()
  tbl.attr = pandoc.Attr()
  local out = pandoc.List({ pandoc.RawBlock("typst", "#sc-table-block["), tbl })
  if #notes > 0 then
    out:insert(pandoc.RawBlock("typst", "#sc-tablenotes["))
    out:extend(notes)
    out:insert(pandoc.RawBlock("typst", "]"))
  end
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

-- the one raw HTML block the package put in a div of class `class`
local function raw_html(div, class)
  local raw = div.content[1]
  if #div.content ~= 1 or raw.t ~= "RawBlock" or raw.format ~= "html" then
    error("scorecard.lua: a ." .. class .. " div must hold exactly one raw HTML block")
  end
  return raw.text
end

local function html_table(div)
  local doc = pandoc.read(raw_html(div, "sc-pdf-table"), "html")
  local found = pandoc.List()
  doc:walk({
    Table = function(t)
      found:insert(t)
      return t
    end,
  })
  if #found ~= 1 then
    error("scorecard.lua: a table's HTML gave " .. #found .. " tables instead of 1 (" ..
      (div.identifier or "") .. "); the PDF would have dropped it")
  end
  tables_done = tables_done + 1
  local drop = div.attributes["data-drop-column"]
  return scorecard_table(found[1], { drop = drop, no_source = div.attributes["data-no-source"] == "1" })
end

-- the front page's tiles (the package's HTML): each tile a box in a grid, its heading a bold line
local function html_tiles(div)
  local blocks = pandoc.read(raw_html(div, "sc-pdf-html"), "html").blocks
  local function tile_blocks(content)
    return pandoc.walk_block(pandoc.Div(content), {
      Header = function(h) return pandoc.Para({ pandoc.Strong(h.content) }) end,
      Span = function(span)
        if has(span.classes, "sc-fig") or has(span.classes, "sc-rating-n") then
          return pandoc.Strong(span.content)
        end
        return span.content
      end,
      Div = function(d) return d.content end,
    }).content
  end
  local out = pandoc.List()
  local tiles = pandoc.List()
  local function flush()
    if #tiles > 0 then
      out:insert(pandoc.RawBlock("typst", "#sc-tile-grid("))
      for _, t in ipairs(tiles) do
        out:insert(pandoc.RawBlock("typst", "["))
        out:extend(tile_blocks(t))
        out:insert(pandoc.RawBlock("typst", "],"))
      end
      out:insert(pandoc.RawBlock("typst", ")"))
      tiles = pandoc.List()
    end
  end
  local function visit(list)
    for _, b in ipairs(list) do
      if b.t == "Div" and has(b.classes, "sc-tile") then
        tiles:insert(b.content)
      elseif b.t == "Div" and not has(b.classes, "sc-ratings") then
        visit(b.content)
      else
        flush()
        out:insert(pandoc.RawBlock("typst", "#sc-tiles["))
        out:extend(tile_blocks({ b }))
        out:insert(pandoc.RawBlock("typst", "]"))
      end
    end
  end
  visit(blocks)
  flush()
  return out
end

local function chart(div)
  -- the chart's image (first paragraph) and its caption, in a box of the image's width
  local width = tonumber(div.attributes["data-width"] or "")
  if not width then
    error("scorecard.lua: a .sc-chart div needs a numeric data-width")
  end
  local out = pandoc.List({ pandoc.RawBlock("typst", string.format("#sc-chart(%.1fpt)[", width)) })
  out:extend(div.content)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

function Div(div)
  for _, c in ipairs(div.classes) do
    if c == "sc-pdf-table" then
      return html_table(div)
    elseif c == "sc-pdf-html" then
      return html_tiles(div)
    elseif c == "sc-chart" then
      return chart(div)
    elseif c == "sc-grid-cell" then   -- one argument of sc-table-grid()
      local out = pandoc.List({ pandoc.RawBlock("typst", "[") })
      out:extend(div.content)
      out:insert(pandoc.RawBlock("typst", "],"))
      return out
    elseif c == "sc-table-grid" then
      local out = pandoc.List({ pandoc.RawBlock("typst", "#sc-table-grid(") })
      out:extend(div.content)
      out:insert(pandoc.RawBlock("typst", ")"))
      return out
    elseif c == "sc-charts" then
      local out = pandoc.List({ pandoc.RawBlock("typst", "#sc-charts[") })
      out:extend(div.content)
      out:insert(pandoc.RawBlock("typst", "]"))
      return out
    elseif EMPTY[c] then
      return pandoc.RawBlock("typst", EMPTY[c])
    elseif WRAP[c] then
      local out = pandoc.List({ pandoc.RawBlock("typst", "#" .. c .. "[") })
      out:extend(div.content)
      out:insert(pandoc.RawBlock("typst", "]"))
      return out
    end
  end
  return nil
end

function Pandoc(doc)
  local want = tonumber(pandoc.utils.stringify(doc.meta["sc-tables"] or "") or "")
  if want ~= nil and want ~= tables_done then
    error("scorecard.lua: " .. tables_done .. " tables made for the PDF, " .. want .. " staged")
  end
  return doc
end

return {
  { Div = Div },
  { Pandoc = Pandoc },
}

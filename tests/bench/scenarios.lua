-- SPDX-License-Identifier: EUPL-1.2
-- wrk scenarios of `make bench` and `make bench-soak` (tests/bench/run.sh).
--   wrk ... -s tests/bench/scenarios.lua http://127.0.0.1:PORT -- DATA_DIR SCENARIO
-- DATA_DIR holds what run.sh prepared: hosts.txt (one Host per body),
-- items.txt ("HOST CASE_NUMBER" of published cases: the hot set),
-- items_cold.txt (other published cases, none of them in items.txt), tokens.txt ("HOST
-- TOKEN STATE" from `jawnosc seed --tokens`), clerks.txt and managers.txt
-- ("HOST SESSION_COOKIE"). Each request picks a body (Host header) and an
-- item at random. At the end one line "BENCH key=value ..." for run.sh.

local data_dir, scenario
local hosts, items, items_cold, tokens, clerks, managers
-- thread_tag is a global each thread's setup() sets (a local here would hide it).
local counter = 0

local function lines(name)
  local t = {}
  local f = io.open(data_dir .. "/" .. name, "r")
  if not f then return t end
  for l in f:lines() do
    if #l > 0 then
      local row = {}
      for w in l:gmatch("%S+") do row[#row + 1] = w end
      t[#t + 1] = row
    end
  end
  f:close()
  return t
end

local function any(t) return t[math.random(#t)] end

-- Searches people type: words of the subjects, without diacritics or
-- with them, a prefix, two words, and something that finds nothing.
local words = {
  "wydatki", "umowy", "remont", "odpadów", "odpadow", "drzew", "zamówienia", "premie",
  "budżet obywatelski", "oswietlenie", "stypendia", "dotacje", "monitoring", "szkoły",
  "wody", "rewitalizacji", "kontrole", "delegacje", "zadłużenie", "najmu lokali",
  "plan zagospodarowania", "ścieżki rowerowe", "petycji", "wynagrodzenia", "kary umowne",
  "przedszkola", "schronisko", "farm wiatrowych", "zabytków", "źdźbło",
}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(ch)
    if ch == " " then return "+" end
    return string.format("%%%02X", string.byte(ch))
  end))
end

local subjects = {
  "Wydatki na promocję", "Umowy na sprzątanie", "Koszty remontu drogi", "Liczba wniosków",
  "Protokoły kontroli", "Rejestr umów", "Koszty szkoleń", "Zamówienia na oprogramowanie",
}

local gen = {}

-- The register's pages are asked for as a browser asks: it takes gzip
-- (Accept-Encoding), and the server sends the kept copies as they are
-- kept, compressed (docs/design.md, "Pages kept in memory").
local BROWSER_ENCODING = "gzip, deflate, br"
local function register_headers(h)
  h["Accept-Encoding"] = BROWSER_ENCODING
  return h
end

gen.register_list = function()
  return wrk.format("GET", "/rejestr", register_headers({Host = any(hosts)[1]}))
end

gen.register_item = function()
  local it = any(items)
  return wrk.format("GET", "/rejestr/" .. it[2], register_headers({Host = it[1]}))
end

-- Every hot item in turn (wrk's two threads take every other one): the
-- warm-up that fills the server's page cache before the item scenario, as
-- a server in service holds the items people read (run.sh).
local item_seq = 0
gen.register_item_warm = function()
  item_seq = item_seq + 1
  local it = items[((item_seq - 1) * 2 + (thread_tag or 1) - 1) % #items + 1]
  return wrk.format("GET", "/rejestr/" .. it[2], register_headers({Host = it[1]}))
end

-- Items that are not kept: the published cases outside the hot set, each
-- asked for once. run.sh runs the scenario three times (warm-up, the run,
-- one connection alone) and says which with BENCH_COLD_PART; each part
-- walks its own slice of items_cold.txt (a fifth, three fifths, a fifth),
-- the two threads taking every other item, so no item is asked for twice
-- while a slice lasts.
local cold_slices = {warm = {0, 0.2}, main = {0.2, 0.8}, alone = {0.8, 1.0}}
local cold_seq = 0
gen.register_item_cold = function()
  local sl = cold_slices[os.getenv("BENCH_COLD_PART") or "main"] or cold_slices.main
  local from = math.floor(#items_cold * sl[1])
  local n = math.max(math.floor(#items_cold * sl[2]) - from, 1)
  cold_seq = cold_seq + 1
  local it = items_cold[from + ((cold_seq - 1) * 2 + (thread_tag or 1) - 1) % n + 1]
  return wrk.format("GET", "/rejestr/" .. it[2], register_headers({Host = it[1]}))
end

-- A visitor behind the proxy (X-Forwarded-For: one of a million addresses):
-- searches and exports count against JAWNOSC_SEARCH_RATE per address.
local function visitor()
  return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

gen.register_search = function()
  return wrk.format("GET", "/rejestr?q=" .. urlencode(any(words)),
    register_headers({Host = any(hosts)[1], ["X-Forwarded-For"] = visitor()}))
end

-- The search of the security report (issue 16): "%_" to 200 characters,
-- which once made PostgreSQL read the whole trigram index (1.5 s at 100k
-- cases), each pair in a random order ("%_" or "_%") so that no two are
-- alike and none is answered from memory. From one address (the limit
-- answers 429 after JAWNOSC_SEARCH_RATE a minute), or from a million (only
-- the query's own cost protects the rest).
local function bad_q()
  local t = {}
  for i = 1, 100 do t[i] = math.random(2) == 1 and "%25_" or "_%25" end
  return table.concat(t)
end
gen.register_search_bad = function()
  return wrk.format("GET", "/rejestr?q=" .. bad_q(), register_headers({Host = any(hosts)[1], ["X-Forwarded-For"] = "10.66.0.1"}))
end
gen.register_search_bad_spread = function()
  return wrk.format("GET", "/rejestr?q=" .. bad_q(), register_headers({Host = any(hosts)[1], ["X-Forwarded-For"] = visitor()}))
end

-- A normal register page that is not kept: a keyset page from a random
-- day and id (one index scan, then 50 rows), as a visitor paging deep.
gen.register_list_uncached = function()
  local day = string.format("20%02d-%02d-%02d", math.random(18, 26), math.random(1, 12), math.random(1, 28))
  return wrk.format("GET", string.format("/rejestr?po_dacie=%s&po_id=%d", day, math.random(1, 2000000000)),
    register_headers({Host = any(hosts)[1], ["X-Forwarded-For"] = visitor()}))
end

gen.register_atom = function()
  return wrk.format("GET", "/rejestr.atom", register_headers({Host = any(hosts)[1]}))
end

gen.tracking = function()
  local t = any(tokens)
  return wrk.format("GET", "/sprawa/" .. t[2], {Host = t[1]})
end

-- Every token in turn (wrk's two threads take every other one): the
-- warm-up that fills the server's page cache before the tracking scenario,
-- as a server in service has it (run.sh).
local seq = 0
gen.tracking_warm = function()
  seq = seq + 1
  local t = tokens[((seq - 1) * 2 + (thread_tag or 1) - 1) % #tokens + 1]
  return wrk.format("GET", "/sprawa/" .. t[2], {Host = t[1]})
end

-- A request for public information through the API, from a citizen
-- behind the proxy (X-Forwarded-For: one of a million addresses); every
-- subject distinct; most want the answer by e-mail (an acknowledgement is
-- queued in the outbox and sent by the mail job).
gen.filing = function()
  counter = counter + 1
  local n = string.format("%d-%d", thread_tag, counter)
  local by_mail = math.random(10) <= 7
  local body = string.format(
    '{"kind":"public_information","subject":"%s (wniosek %s)","content":"Na podstawie art. 2 ust. 1 '
      .. 'ustawy o dostępie do informacji publicznej wnoszę o udostępnienie informacji: %s, nr %s.",'
      .. '"delivery":"%s","requester":{"name":"Jan Testowy","email":"%s"}}',
    any(subjects), n, any(subjects), n, by_mail and "email" or "tracking_page",
    by_mail and ("wnioskodawca-" .. n .. "@example.pl") or "")
  local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("POST", "/api/v1/requests",
    {Host = any(hosts)[1], ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip}, body)
end

gen.queue = function()
  local s = any(clerks)
  return wrk.format("GET", "/panel", {Host = s[1], Cookie = "jw_session=" .. s[2]})
end

gen.dashboard = function()
  local s = any(managers)
  return wrk.format("GET", "/panel/pulpit", {Host = s[1], Cookie = "jw_session=" .. s[2]})
end

-- A static file: the HTTP layer alone (and nginx, the ceiling, with the same file).
gen.static = function()
  return wrk.format("GET", wrk.path == "/" and "/static/style.css" or wrk.path)
end

-- The soak's mix: mostly the public, some filing and staff work.
local mix = {
  {"register_list", 25}, {"register_item", 20}, {"register_search", 10}, {"register_atom", 5},
  {"tracking", 20}, {"filing", 10}, {"queue", 7}, {"dashboard", 3},
}
local mix_total = 0
for _, m in ipairs(mix) do mix_total = mix_total + m[2] end

gen.mix = function()
  local r = math.random(mix_total)
  for _, m in ipairs(mix) do
    if r <= m[2] then return gen[m[1]]() end
    r = r - m[2]
  end
end

-- The mix of docs/capacity.md's case (c) (run.sh's `mix` scenario):
-- BENCH_MIX_SHARES "register_list=15 register_item=30 ..." (each kind's
-- estimated requests a year, in millions, of every obligated body in
-- Poland); each request draws its kind by those weights.
local mix_c, mix_c_total = nil, 0
gen.mix_c = function()
  if not mix_c then
    mix_c = {}
    for k, w in (os.getenv("BENCH_MIX_SHARES") or ""):gmatch("([%w_]+)=([%d%.]+)") do
      if not gen[k] then error("BENCH_MIX_SHARES: unknown scenario " .. k) end
      mix_c[#mix_c + 1] = {k, tonumber(w)}
      mix_c_total = mix_c_total + tonumber(w)
    end
    if mix_c_total <= 0 then error("BENCH_MIX_SHARES is empty") end
  end
  local r = math.random() * mix_c_total
  for _, m in ipairs(mix_c) do
    if r < m[2] then return gen[m[1]]() end
    r = r - m[2]
  end
  return gen[mix_c[#mix_c][1]]()
end

local ids = 0
function setup(thread)
  ids = ids + 1
  thread:set("thread_tag", ids)
end

function init(args)
  data_dir, scenario = args[1], args[2]
  math.randomseed(os.time() * 1000 + (thread_tag or 0) * 7919 + math.floor(os.clock() * 1e6))
  hosts = lines("hosts.txt")
  items = lines("items.txt")
  items_cold = lines("items_cold.txt")
  tokens = lines("tokens.txt")
  clerks = lines("clerks.txt")
  managers = lines("managers.txt")
  -- A wanted pause between a connection's requests: a steady rate.
  local pause = tonumber(args[3] or "0")
  if pause and pause > 0 then
    delay = function() return pause end
  end
  if not gen[scenario] then error("unknown scenario " .. tostring(scenario)) end
  request = gen[scenario]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout, summary.bytes))
end

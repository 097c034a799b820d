-- One visitor flow = GET the widget page (a fresh signed token) + POST a score with that token,
-- against Tevreden or bench/reference.py alike: both pages carry <input name="token" value=…>.
-- Run with one connection per thread (wrk -t4 -c4): each thread's requests are then strictly
-- sequential, so the token scraped from a page is the one the next POST spends.
-- Usage: wrk -t4 -c4 -d10s -s bench/flows.lua URL -- SURVEY_ID TOUCHPOINT
local survey, touchpoint
local token = nil
local pending = nil
-- Globals, not locals: done() reads them from each thread with thread:get().
flows, pages, failures = 0, 0, 0
first_failure = ""
local page_request, post_headers
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  survey = args[1]
  touchpoint = args[2] or "checkout"
  math.randomseed(id * 7919)
  page_request = wrk.format("GET", "/w/" .. survey, { ["Accept"] = "text/html" })
  post_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
end

function request()
  if token == nil then
    pending = "page"
    return page_request
  end
  local body = string.format('{"token":"%s","score":%d,"touchpoint":"%s"}',
                             token, math.random(0, 10), touchpoint)
  token = nil
  pending = "post"
  return wrk.format("POST", "/w/" .. survey .. "/responses", post_headers, body)
end

local function fail(status, body)
  failures = failures + 1
  if first_failure == "" then
    -- Kept JSON-safe: done() prints it inside a JSON string.
    local text = pending .. " " .. status .. " " .. string.sub(body or "", 1, 200)
    first_failure = string.gsub(text, '[%c"\\]', " ")
  end
end

function response(status, headers, body)
  if pending == "page" then
    if status == 200 then
      pages = pages + 1
      -- Plain searches, no patterns, in ifs: `x and string.find()` keeps only its first result.
      local _, named = string.find(body, 'name="token"', 1, true)
      local from, to
      if named then _, from = string.find(body, 'value="', named + 1, true) end
      if from then to = string.find(body, '"', from + 1, true) end
      token = to and string.sub(body, from + 1, to - 1) or nil
      if token == nil then fail(status, "no token in the page") end
    else
      fail(status, body)
    end
  elseif pending == "post" then
    if status == 201 then flows = flows + 1 else fail(status, body) end
  end
end

function done(summary, latency, requests)
  local f, p, x, first = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    f = f + thread:get("flows")
    p = p + thread:get("pages")
    x = x + thread:get("failures")
    if first == "" then first = thread:get("first_failure") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"kind":"flows","flows":%d,"pages":%d,"failures":%d,"requests":%d,"duration_us":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"first_failure":"%s"}\n',
    f, p, x, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    first))
end

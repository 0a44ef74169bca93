-- Shared by bench/abuse_register.lua and bench/abuse_login.lua (loaded with dofile): counts
-- the responses by status in each wrk thread and prints the totals from done() as one line,
--   STATUSES 201=12 429=5310 503=880
-- which bench/abuse_bench.sh reads.
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, codes = {}, {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do
      if not total[code] then table.insert(codes, code) end
      total[code] = (total[code] or 0) + n
    end
  end
  table.sort(codes)
  local parts = {}
  for _, code in ipairs(codes) do table.insert(parts, code .. "=" .. total[code]) end
  io.write("STATUSES " .. table.concat(parts, " ") .. "\n")
end

-- wrk script of tools/bench.py: one kind of request, read from a spec file
-- given after "--" on wrk's command line, one "key value" per line:
--
--   method POST
--   path /api/user/login/            (repeat: each path is used once, then the
--                                     thread stops; e.g. one-time reset links)
--   header Content-Type: application/json      (repeatable)
--   body {"email": "a@example.com"}
--   unique @@N@@      (in path and body: replaced by "<thread>x<count>", a value
--                      no other request of the run has; e.g. new e-mails)
--   limit 400         (requests in all, then stop; 0 or absent: until -d ends)
--   threads 2         (wrk's -t, to share limit and paths among the threads)
--   timing 1          (time each request here, exactly, instead of wrk's
--                      histogram; needs one connection per thread)
--
-- A thread that has sent its share prints "BENCH-STOP" (bench.py then ends
-- wrk with SIGINT instead of waiting for -d).  At the end the script prints one
-- line "BENCH {json}" with the count, the duration and the latency
-- percentiles in microseconds: wrk's own (which corrects for coordinated
-- omission), or with "timing" the exact ones of the requests timed here.

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("tid", #threads)
end

local spec = { headers = {}, paths = {}, limit = 0, threads = 1 }
local sent = 0
local mine = -1          -- requests this thread may send (-1: no limit)
local fixed = nil        -- the request, when every request is the same
local verified = false
local stopped = false
local now_us, t0

function init(args)
   for line in io.lines(args[1]) do
      local k, v = line:match("^(%S+) ?(.*)$")
      if k == "header" then
         local name, value = v:match("^([^:]+):%s*(.*)$")
         spec.headers[name] = value
      elseif k == "path" then
         spec.paths[#spec.paths + 1] = v
      elseif k == "limit" or k == "threads" or k == "timing" then
         spec[k] = tonumber(v)
      elseif k then
         spec[k] = v
      end
   end
   local t = tid or 1
   local total = spec.limit
   if #spec.paths > 1 and (total == 0 or total > #spec.paths) then
      total = #spec.paths
   end
   if total > 0 then
      mine = math.floor(total / spec.threads)
      if t <= total % spec.threads then mine = mine + 1 end
   end
   if #spec.paths == 1 and not spec.unique then
      fixed = wrk.format(spec.method, spec.paths[1], spec.headers, spec.body)
   end
   if spec.timing == 1 then
      local ffi = require("ffi")
      ffi.cdef("typedef struct { long tv_sec; long tv_nsec; } bench_ts;" ..
               "int clock_gettime(int clk, bench_ts *ts);")
      local ts = ffi.new("bench_ts")
      now_us = function()
         ffi.C.clock_gettime(1, ts)                  -- CLOCK_MONOTONIC
         return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
      end
      lat = {}                                       -- read by done() (thread:get)
      response = function()
         last = now_us()
         lat[#lat + 1] = last - t0
      end
   end
end

local function make(n)
   if fixed then return fixed end
   local t = tid or 1
   local path, body
   if #spec.paths > 1 then
      -- This thread's share of the paths: t, t + threads, t + 2 threads...
      path = spec.paths[math.min((n - 1) * spec.threads + t, #spec.paths)]
   else
      path = spec.paths[1]
   end
   body = spec.body
   if spec.unique then
      local u = t .. "x" .. n
      path = path:gsub(spec.unique, u)
      if body then body = body:gsub(spec.unique, u) end
   end
   return wrk.format(spec.method, path, spec.headers, body)
end

function request()
   if (tid or 1) == 1 and not verified then
      -- wrk checks the first thread's first request before it starts: not sent.
      verified = true
      return make(1)
   end
   sent = sent + 1
   if mine >= 0 and sent > mine then
      -- Enough: stop this thread (the request returned now is never read).
      if not stopped then
         stopped = true
         io.write("BENCH-STOP\n")
         io.stdout:flush()
      end
      wrk.thread:stop()
   end
   if now_us then
      t0 = now_us()
      first = first or t0
   end
   return make(sent)
end

function done(summary, latency, requests)
   local e = summary.errors
   local r = {
      requests = summary.requests, duration_us = summary.duration,
      p50_us = latency:percentile(50), p90_us = latency:percentile(90),
      p99_us = latency:percentile(99), max_us = latency.max, mean_us = latency.mean,
   }
   local timed = threads[1] ~= nil and threads[1]:get("lat") ~= nil
   if timed then
      -- Exact figures from the requests timed in the threads.
      local all, sum, from, to = {}, 0, nil, nil
      for _, t in ipairs(threads) do
         for _, v in ipairs(t:get("lat") or {}) do
            all[#all + 1] = v
            sum = sum + v
         end
         local f, l = t:get("first"), t:get("last")
         if f and (not from or f < from) then from = f end
         if l and (not to or l > to) then to = l end
      end
      table.sort(all)
      local function pct(p)
         return all[math.max(1, math.ceil(p / 100 * #all))] or 0
      end
      r = { requests = #all, duration_us = (from and to) and (to - from) or 0,
            p50_us = pct(50), p90_us = pct(90), p99_us = pct(99), max_us = all[#all] or 0,
            mean_us = #all > 0 and sum / #all or 0 }
   end
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "status_errors": %d, ' ..
      '"socket_errors": %d, "timed": %s}\n',
      r.requests, r.duration_us, r.p50_us, r.p90_us, r.p99_us, r.max_us, r.mean_us,
      e.status, e.connect + e.read + e.write + e.timeout, tostring(timed)))
end

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
--
-- At the end it prints one line "BENCH {json}" with the count, the duration
-- and the latency percentiles (microseconds), which bench.py reads.

local nthreads_seen = 0

function setup(thread)
   nthreads_seen = nthreads_seen + 1
   thread:set("tid", nthreads_seen)
end

local spec = { headers = {}, paths = {}, limit = 0, threads = 1 }
local sent = 0
local mine = -1          -- requests this thread may send (-1: no limit)
local fixed = nil        -- the request, when every request is the same

function init(args)
   for line in io.lines(args[1]) do
      local k, v = line:match("^(%S+) ?(.*)$")
      if k == "header" then
         local name, value = v:match("^([^:]+):%s*(.*)$")
         spec.headers[name] = value
      elseif k == "path" then
         spec.paths[#spec.paths + 1] = v
      elseif k == "limit" or k == "threads" then
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
end

function request()
   sent = sent + 1
   if mine >= 0 and sent > mine then
      -- Enough: stop this thread (the request returned now is never read).
      wrk.thread:stop()
   end
   if fixed then return fixed end
   local t = tid or 1
   local path, body
   if #spec.paths > 1 then
      -- This thread's share of the paths: t, t + threads, t + 2 threads...
      path = spec.paths[math.min((sent - 1) * spec.threads + t, #spec.paths)]
   else
      path = spec.paths[1]
   end
   body = spec.body
   if spec.unique then
      local n = t .. "x" .. sent
      path = path:gsub(spec.unique, n)
      if body then body = body:gsub(spec.unique, n) end
   end
   return wrk.format(spec.method, path, spec.headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "status_errors": %d, ' ..
      '"socket_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean, e.status,
      e.connect + e.read + e.write + e.timeout))
end

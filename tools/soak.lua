-- wrk script of tools/soak.py: a weighted mix of requests, read from a file
-- given after "--" on wrk's command line, one "key value" per line:
--
--   limit 100000       requests in all (shared among the threads), then stop
--   threads 8          wrk's -t (run it with -c equal to -t: one connection per
--                      thread, so that each answer belongs to the request before it)
--   seed 7             shuffles the mix (each thread its own order)
--   req KIND WEIGHT METHOD PATH      a kind of request, WEIGHT of every sum of weights (10000)
--   header Name: value               (of the last req; repeatable)
--   body TEXT                        (of the last req; one line)
--   bigbody N                        (of the last req: N bytes of "x" inside a JSON string)
--
-- "@@N@@" in a path or body becomes "<seed>t<thread>n<count>", a value no
-- other request of the soak has (new e-mail addresses).  A thread that has
-- sent its share prints "SOAK-STOP"; at the end one line "SOAK {json}" holds
-- the answers counted by kind and status, wrk's socket errors and the duration.

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("tid", #threads)
end

local kinds = {}          -- {name, method, path, headers, body, fixed, unique}
local order = {}          -- indices into kinds, WEIGHT times each, shuffled
local limit, nthreads, seed = 0, 1, 1
local sent, mine = 0, -1
local verified, stopped = false, false
local pending = nil       -- the kind of the request on the wire
counts = {}               -- "KIND STATUS" -> n, read by done() (thread:get)

function init(args)
   local cur
   for line in io.lines(args[1]) do
      local k, v = line:match("^(%S+) ?(.*)$")
      if k == "req" then
         local name, weight, method, path = v:match("^(%S+) (%d+) (%S+) (%S+)$")
         cur = { name = name, weight = tonumber(weight), method = method, path = path,
                 headers = {} }
         kinds[#kinds + 1] = cur
      elseif k == "header" then
         local name, value = v:match("^([^:]+):%s*(.*)$")
         cur.headers[name] = value
      elseif k == "body" then
         cur.body = v
      elseif k == "bigbody" then
         cur.body = '{"email": "' .. string.rep("x", tonumber(v)) .. '"}'
      elseif k == "limit" then
         limit = tonumber(v)
      elseif k == "threads" then
         nthreads = tonumber(v)
      elseif k == "seed" then
         seed = tonumber(v)
      end
   end
   local t = tid or 1
   mine = math.floor(limit / nthreads)
   if t <= limit % nthreads then mine = mine + 1 end
   for i, kd in ipairs(kinds) do
      kd.unique = kd.path:find("@@N@@", 1, true) or
         (kd.body and kd.body:find("@@N@@", 1, true))
      if not kd.unique then
         kd.fixed = wrk.format(kd.method, kd.path, kd.headers, kd.body)
      end
      for _ = 1, kd.weight do order[#order + 1] = i end
   end
   math.randomseed(seed * 1000 + t)
   for i = #order, 2, -1 do
      local j = math.random(i)
      order[i], order[j] = order[j], order[i]
   end
end

local function make(n)
   local kd = kinds[order[(n - 1) % #order + 1]]
   pending = kd.name
   if kd.fixed then return kd.fixed end
   local u = seed .. "t" .. (tid or 1) .. "n" .. n
   local body = kd.body and kd.body:gsub("@@N@@", u) or nil
   return wrk.format(kd.method, kd.path:gsub("@@N@@", u), kd.headers, body)
end

function request()
   if (tid or 1) == 1 and not verified then
      -- wrk checks the first thread's first request before it starts: not sent.
      verified = true
      return wrk.format("GET", "/api/soak-check/")
   end
   sent = sent + 1
   if sent > mine then
      if not stopped then
         stopped = true
         io.write("SOAK-STOP\n")
         io.stdout:flush()
      end
      pending = nil
      wrk.thread:stop()
   end
   return make(sent)
end

function response(status, headers, body)
   if pending then
      local key = pending .. " " .. status
      counts[key] = (counts[key] or 0) + 1
      pending = nil
   end
end

function done(summary, latency, requests)
   local all = {}
   for _, t in ipairs(threads) do
      for k, n in pairs(t:get("counts") or {}) do
         all[k] = (all[k] or 0) + n
      end
   end
   local parts = {}
   for k, n in pairs(all) do
      parts[#parts + 1] = string.format('"%s": %d', k, n)
   end
   local e = summary.errors
   io.write(string.format(
      'SOAK {"requests": %d, "duration_us": %d, "socket_errors": %d, ' ..
      '"connect": %d, "read": %d, "write": %d, "timeout": %d, "max_us": %d, "counts": {%s}}\n',
      summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
      e.connect, e.read, e.write, e.timeout, latency.max, table.concat(parts, ", ")))
end

-- wrk script: request the paths listed in a file, one per line, in turn.
--   wrk -t1 -c4 -d5s -s bench/rotate.lua http://127.0.0.1:PORT -- paths.txt
-- At the end it prints one line, "BENCH-JSON {...}", which bench/load.py reads.

local paths = {}
local position = 1

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  -- Each thread starts somewhere else in the list.
  position = math.random(#paths)
end

function request()
  local path = paths[position]
  position = position % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99)
  ))
end

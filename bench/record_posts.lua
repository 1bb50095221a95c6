-- wrk script for bench/record_posts.py: POST a real session record with a new key each time.
-- Arguments: the record template (JSON with __KEY__) and a run prefix (8 hex digits).
local template, prefix
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  template = file:read("*a")
  file:close()
  prefix = args[2]
  wrk.method = "POST"
end

function request()
  counter = counter + 1
  local key = string.format("%s-%04x-4000-8000-%012x", prefix, thread_id or 0, counter)
  local body = template:gsub("__KEY__", key, 1)
  return wrk.format(nil, nil, nil, body)
end

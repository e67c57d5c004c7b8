-- wrk script for bench-serve: MODE=get|filter|post|patch, BASE=the SCIM base path, TOKEN, IDS=file
-- of seeded user ids (line i is user{i}@example.com). Non-2xx answers are counted by wrk.
local mode = os.getenv("MODE")
local base = os.getenv("BASE")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/scim+json" }
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
local threads = 0
local counter = 0


function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end

local patch = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Lead %d"}]}'
local user = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","emails":[{"value":"%s","type":"work","primary":true}],"displayName":"New User"}'

request = function()
  counter = counter + 1
  local i = math.random(#ids)
  if mode == "get" then
    return wrk.format("GET", base .. "/Users/" .. ids[i], headers)
  elseif mode == "filter" then
    return wrk.format("GET", base .. "/Users?filter=userName%20eq%20%22user" .. i .. "%40example.com%22", headers)
  elseif mode == "post" then
    local name = string.format("new-%d-%d-%d@example.com", tid or 0, counter, math.random(1000000000))
    return wrk.format("POST", base .. "/Users", headers, string.format(user, name, name))
  else
    return wrk.format("PATCH", base .. "/Users/" .. ids[i], headers, string.format(patch, counter))
  end
end

-- wrk script: a registration flood, POST /api/v1/auth/register with a new valid email in
-- every request (so each one would cost an Argon2id hash). Statuses are tallied and printed
-- by done() (bench/abuse_tally.lua). ABUSE_TAG (optional) keeps emails unique across runs.
-- ABUSE_CHEAP=1: the control, a password too short, refused (400) before any hashing.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "abuse_tally.lua")

local tag = os.getenv("ABUSE_TAG") or tostring(os.time())
local password = os.getenv("ABUSE_CHEAP") == "1" and "short" or "password123"
local sent = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  sent = sent + 1
  local body = string.format(
    '{"email":"flood-%s-%d-%d@abuse.test","password":"%s","display_name":"Flood"}',
    tag, thread_no, sent, password)
  return wrk.format(nil, nil, nil, body)
end

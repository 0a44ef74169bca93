-- wrk script: a failed-login flood, POST /api/v1/auth/login for an existing account
-- (ABUSE_EMAIL) with a wrong password, each attempt an Argon2id verification unless a limit
-- answers first. Statuses are tallied and printed by done() (bench/abuse_tally.lua).
-- ABUSE_CHEAP=1: the control, a malformed email, refused (401) before any hashing.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "abuse_tally.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local email = os.getenv("ABUSE_CHEAP") == "1" and "not-an-email"
              or os.getenv("ABUSE_EMAIL") or "victim@abuse.test"
wrk.body = string.format('{"email":"%s","password":"not-the-password"}', email)

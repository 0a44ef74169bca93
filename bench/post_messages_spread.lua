-- wrk script: POST chat messages spread over many conversations (bench/nodes_bench.sh).
-- VITRINA_CONVS = "conversation_id=token,conversation_id=token,..." (each token one of that
-- conversation's participants); WRK_THREADS = wrk's -t. Thread n of N takes the conversations
-- n, n + N, n + 2N, ... round robin, so concurrent requests mostly write different
-- conversations, as many chatting users do (bench/post_message.lua sends every request to
-- one conversation). Statuses are tallied by bench/abuse_tally.lua (a STATUSES line).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "abuse_tally.lua")

local body = '{"text":"Is it still available? Can you show it on a video call?"}'
local mine = {}
local at = 0

local tally_init = init
function init(args)
  tally_init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "1")
  local k = 0
  for item in string.gmatch(os.getenv("VITRINA_CONVS"), "[^,]+") do
    local id, token = item:match("^([^=]+)=(.+)$")
    if k % n == thread_no - 1 then
      table.insert(mine, wrk.format("POST", "/api/v1/conversations/" .. id .. "/messages",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body))
    end
    k = k + 1
  end
end

function request()
  at = at % #mine + 1
  return mine[at]
end

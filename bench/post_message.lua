-- wrk script: POST a chat message as the buyer (token and conversation from the environment).
wrk.method = "POST"
wrk.body = '{"text":"Is it still available? Can you show it on a video call?"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("VITRINA_TOKEN")

-- wrk -s benches/wrk/chat.lua: the same short chat completion on every request (answers memoised)
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'

-- wrk -s benches/wrk/chat_distinct.lua: a different chat completion on every request (no memo hit)
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"model":"mock-gpt","messages":[{"role":"user","content":"Say hello ' .. counter .. '."}],"max_tokens":16}'
  return wrk.format(nil, nil, nil, body)
end

-- wrk script for bench/serve.sh: POST one Fashion-MNIST-sized sample (784 floats) to /predict.
local values = {}
for i = 1, 784 do values[i] = string.format("%.4f", (i % 97) / 97) end
wrk.method = "POST"
wrk.body = "[" .. table.concat(values, ",") .. "]"
wrk.headers["Content-Type"] = "application/json"
-- wrk prints "Non-2xx or 3xx responses: N" itself when there are any.

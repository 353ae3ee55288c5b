-- Appended to the harness's wrk/common.lua by run-all.sh: every request carries the Grip-Sig of the
-- current second (GRIP_SIGS_FILE from make-sigs.js), so the origin sees a new token every second as
-- behind Pushpin, instead of one token for the whole run.
local sigs_file = os.getenv("GRIP_SIGS_FILE")
if sigs_file then
  local setup = M.setup
  function M.setup(body)
    setup(body)
    local f = assert(io.open(sigs_file, "r"))
    local start = tonumber(f:read("*l"))
    local sigs = {}
    for line in f:lines() do sigs[#sigs + 1] = line end
    f:close()
    local last = -1
    function request()
      local second = os.time() - start + 1
      if second ~= last then
        last = second
        wrk.headers["Grip-Sig"] = sigs[math.max(1, math.min(second, #sigs))]
      end
      return wrk.format()
    end
  end
end

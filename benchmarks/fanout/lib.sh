# Shared by run.sh and repro/*.sh: start and stop only our own processes, free loopback ports,
# and a Pushpin 1.36 with its own temp dir routing to one origin. Source it; it sets no traps.
started=()
cleanup() {
  for pid in "${started[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  started=()
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
# Three distinct ports nobody listens on now (other engineers run servers on this machine too).
free_ports() {
  local ports=()
  while [ ${#ports[@]} -lt 3 ]; do
    local p; p=$(free_port)
    [[ " ${ports[*]} " == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    ports+=("$p")
  done
  echo "${ports[@]}"
}

# CPU seconds (user+system) of a PID and of all its descendants.
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
tree_pids() { local p=$1; echo "$p"; for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done; }
tree_ticks() { local t=0; for p in $(tree_pids "$1"); do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

wait_port() { # pid port seconds: our process listens (and is still alive)
  for _ in $(seq 1 $(( $3 * 10 ))); do
    kill -0 "$1" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

start_pushpin() { # dir http_port publish_port origin_port key
  local dir=$1
  mkdir -p "$dir/run" "$dir/log"
  cat >"$dir/pushpin.conf" <<EOF
[global]
include=/usr/lib/pushpin/internal.conf
rundir=$dir/run
ipc_prefix=f$(basename "$dir")-
port_offset=0

[runner]
services=condure,zurl,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:$2
logdir=$dir/log
log_level=${PUSHPIN_LOG_LEVEL:-2}
condure_bin=condure
zurl_bin=zurl

[proxy]
routesfile=routes
sig_iss=pushpin
sig_key=$5
updates_check=off
zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in
zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream
zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out

[handler]
push_in_spec=ipc://{rundir}/{ipc_prefix}push-in
push_in_sub_specs=ipc://{rundir}/{ipc_prefix}push-in-sub
push_in_http_addr=127.0.0.1
push_in_http_port=$3
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=ipc://{rundir}/{ipc_prefix}command
${PUSHPIN_MESSAGE_RATE:+message_rate=$PUSHPIN_MESSAGE_RATE}
${PUSHPIN_MESSAGE_HWM:+message_hwm=$PUSHPIN_MESSAGE_HWM}
EOF
  echo "* 127.0.0.1:$4,over_http" >"$dir/routes"
  pushpin --config "$dir/pushpin.conf" >"$dir/pushpin.out" 2>&1 &
  echo $!
}

# Helpers for the SSH tests: everything of tests/integration/lib.sh, plus
# a real sshd (Debian's openssh-server) listening on 127.0.0.1, an
# unprivileged user it lets in with a generated key, and ssh client
# configurations for `SVCHOST_SSH="ssh -F FILE"`.  What the user runs on
# the "remote" side is a copy of bin/svc-remote under ROOT (the build tree
# may sit where only root can enter), forced by authorized_keys; sshd
# gives it SVCHOST_ROOT=$ROOT, so it reaches the test's scmd.
#
# sshd and useradd need root: without it the tests exit 77 (skipped), as
# they do when sshd is not installed.  Anything else missing is a failure.
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: $(basename "$0") starts sshd and creates a user; run it as root"
    exit 77
fi
SSHD=$(command -v sshd || true)
[ -n "$SSHD" ] || SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ]; then
    echo "SKIP: sshd is not installed (Debian: openssh-server, see scripts/bootstrap)"
    exit 77
fi
. "$(dirname "$0")/../integration/lib.sh"

for tool in ssh ssh-keygen useradd userdel setpriv; do
    command -v "$tool" >/dev/null || fail "$tool is needed (scripts/bootstrap installs it)"
done

# A user of this test alone, so that tests running side by side do not
# share (or delete) each other's.
SSH_USER=svcssh-$$
SSH_DIR=$ROOT/ssh
mkdir -p "$SSH_DIR" "$ROOT/home"
unprivileged_tools svc-remote sc
REMOTE=$UBIN/svc-remote

# ssh_cleanup: the user's processes (sshd's session, svc-remote), by
# their pids, then the user, then lib.sh's cleanup.
ssh_cleanup() {
    local rc=$? uid p left
    set +e  # clean up whatever fails; (exit $rc) hands lib.sh's cleanup the status
    if uid=$(id -u "$SSH_USER" 2>/dev/null); then
        # userdel refuses while a process of the user lives: kill them
        # until none is left (SIGKILL takes effect asynchronously).
        for _ in $(seq 1 100); do
            left=0
            for p in /proc/[0-9]*; do
                if [ "$(stat -c %u "$p" 2>/dev/null)" = "$uid" ]; then
                    kill -KILL "${p#/proc/}" 2>/dev/null
                    left=1
                fi
            done
            [ $left = 0 ] && break
            sleep 0.05
        done
        userdel "$SSH_USER" 2>"$ROOT/userdel.err" ||
            echo "warning: could not remove the user $SSH_USER: $(cat "$ROOT/userdel.err")" >&2
    fi
    (exit $rc)
    cleanup
}
trap ssh_cleanup EXIT

# The password "*" matches nothing but, unlike useradd's "!", does not
# lock the account (sshd without PAM refuses locked ones).
useradd --system --home-dir "$ROOT/home" --no-create-home --shell /bin/sh -p '*' "$SSH_USER" ||
    fail "cannot create the user $SSH_USER"
chown "$SSH_USER" "$ROOT/home"
SSH_UID=$(id -u "$SSH_USER")
SSH_GID=$(id -g "$SSH_USER")

ssh-keygen -q -t ed25519 -N '' -C host -f "$SSH_DIR/host_key" || fail "ssh-keygen (host key)"
for k in user wrong nocmd noscm admin; do
    ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$SSH_DIR/id_$k" || fail "ssh-keygen ($k)"
done
# id_user runs svc-remote on the test's ROOT; id_nocmd runs what the
# client asks for ("svc-remote", in no directory of the user's PATH);
# id_noscm runs svc-remote on a state directory where no scmd runs;
# id_admin runs it on $USER_ROOT, for an scmd the test user runs itself
# (tests/ssh/sc_admin.sh); id_wrong is not authorized at all.
mkdir -p "$ROOT/empty"
USER_ROOT=$ROOT/userroot
{
    printf 'command="%s",no-pty,no-port-forwarding %s\n' "$REMOTE" "$(cat "$SSH_DIR/id_user.pub")"
    printf 'no-pty %s\n' "$(cat "$SSH_DIR/id_nocmd.pub")"
    printf 'command="%s --root %s",no-pty %s\n' "$REMOTE" "$ROOT/empty" "$(cat "$SSH_DIR/id_noscm.pub")"
    printf 'command="%s --root %s",no-pty %s\n' "$REMOTE" "$USER_ROOT" "$(cat "$SSH_DIR/id_admin.pub")"
} >"$SSH_DIR/authorized_keys"
printf 'svchost-test %s\n' "$(cut -d' ' -f1-2 "$SSH_DIR/host_key.pub")" >"$SSH_DIR/known_hosts"
chmod 0755 "$SSH_DIR"
chmod 0644 "$SSH_DIR/authorized_keys"

# sshd's privilege separation directory (the package's tmpfiles.d makes
# it at boot; a container may not have it yet).
mkdir -p /run/sshd
chmod 0755 /run/sshd

# start_sshd: sshd -D -e on a free port of 127.0.0.1; sets SSH_PORT and
# SSHD_PID.  Output in $ROOT/sshd.err.
start_sshd() {
    local try
    for try in 1 2 3 4 5 6 7 8; do
        SSH_PORT=$((20000 + RANDOM % 40000))
        cat >"$SSH_DIR/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_key
PidFile none
UsePAM no
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $SSH_DIR/authorized_keys
AllowUsers $SSH_USER
SetEnv SVCHOST_ROOT=$ROOT
LogLevel VERBOSE
EOF
        : >"$ROOT/sshd.err"
        "$SSHD" -D -e -f "$SSH_DIR/sshd_config" 2>"$ROOT/sshd.err" &
        SSHD_PID=$!
        PIDS+=("$SSHD_PID")
        local deadline=$((SECONDS + TIMEOUT))
        while ! grep -q "Server listening on 127.0.0.1 port $SSH_PORT" "$ROOT/sshd.err"; do
            kill -0 "$SSHD_PID" 2>/dev/null || break
            [ $SECONDS -le $deadline ] || fail "sshd did not start: $(cat "$ROOT/sshd.err")"
            sleep 0.05
        done
        grep -q "Server listening on 127.0.0.1 port $SSH_PORT" "$ROOT/sshd.err" && return 0
        grep -q "Address already in use" "$ROOT/sshd.err" || fail "sshd did not start: $(cat "$ROOT/sshd.err")"
    done
    fail "no free port for sshd"
}

# ssh_config NAME KEY [PORT]: writes $SSH_DIR/NAME.config, a client
# configuration for any host name: 127.0.0.1 on PORT (default the
# sshd's), as the test user with id_KEY, the test's host key only.
ssh_config() {
    cat >"$SSH_DIR/$1.config" <<EOF
Host *
    HostName 127.0.0.1
    Port ${3:-$SSH_PORT}
    User $SSH_USER
    IdentityFile $SSH_DIR/id_$2
    IdentitiesOnly yes
    IdentityAgent none
    HostKeyAlias svchost-test
    UserKnownHostsFile $SSH_DIR/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
    ConnectTimeout 10
EOF
}

# use_ssh NAME: the client configuration that libsvc's ssh runs with.
use_ssh() {
    export SVCHOST_SSH="ssh -F $SSH_DIR/$1.config"
}

# free_port: a port of 127.0.0.1 that refuses connections now.
free_port() {
    local p
    for _ in 1 2 3 4 5 6 7 8; do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    fail "no closed port found"
}

# as_user CMD...: runs CMD as the test user on this machine (the copies
# under ROOT/ubin), for comparing with what the user gets through ssh.
as_user() {
    LD_LIBRARY_PATH=$ULIB setpriv --reuid="$SSH_UID" --regid="$SSH_GID" --clear-groups "$@"
}

# remote_setup: sshd, the client configuration "user", scmd and a running
# service Beat (simple.so).
remote_setup() {
    start_sshd
    ssh_config user user
    scmd
    install Beat demo "$TEST_PLUGINS/simple.so"
    sc_ok start Beat
    wait_state Beat RUNNING
}

/* The least a libssh client does for one remote command, as the floor of a cold lxhost command's
 * CPU: connect, check the host key against a known_hosts file, authenticate with one key, run
 * COMMAND, copy its output, exit with its code. No ssh_config, no agent, no retries.
 *
 *   libssh_floor HOST PORT USER KEY KNOWN_HOSTS COMMAND
 *
 * bench/targets builds it with `cc ... -lssh` and measures it beside `lxhost --no-mux ls -1`. */
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(ssh_session session, const char* what, int code) {
  fprintf(stderr, "libssh_floor: %s: %s\n", what, ssh_get_error(session));
  return code;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: libssh_floor HOST PORT USER KEY KNOWN_HOSTS COMMAND\n");
    return 2;
  }
  ssh_session session = ssh_new();
  const int port = atoi(argv[2]), no = 0;
  ssh_options_set(session, SSH_OPTIONS_HOST, argv[1]);
  ssh_options_set(session, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session, SSH_OPTIONS_USER, argv[3]);
  ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, argv[5]);
  if (ssh_connect(session) != SSH_OK) return fail(session, "connect", 1);
  if (ssh_session_is_known_server(session) != SSH_KNOWN_HOSTS_OK) return fail(session, "host key", 1);
  ssh_key key = NULL;
  if (ssh_pki_import_privkey_file(argv[4], NULL, NULL, NULL, &key) != SSH_OK) return fail(session, "key", 1);
  if (ssh_userauth_publickey(session, NULL, key) != SSH_AUTH_SUCCESS) return fail(session, "auth", 1);
  ssh_channel channel = ssh_channel_new(session);
  if (ssh_channel_open_session(channel) != SSH_OK || ssh_channel_request_exec(channel, argv[6]) != SSH_OK)
    return fail(session, "exec", 1);
  char buffer[16384];
  int n;
  while ((n = ssh_channel_read(channel, buffer, sizeof buffer, 0)) > 0) fwrite(buffer, 1, (size_t)n, stdout);
  const int code = ssh_channel_get_exit_status(channel);
  ssh_channel_close(channel);
  ssh_channel_free(channel);
  ssh_key_free(key);
  ssh_disconnect(session);
  ssh_free(session);
  return code;
}

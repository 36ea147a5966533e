// libssh, loaded when SSH is first used rather than when lxhost starts. Linked directly, it
// brings OpenSSL's libcrypto, zlib and Kerberos (GSSAPI: 9 shared objects) into every
// invocation, and mapping and relocating them is most of what starting lxhost costs: a TAB,
// `--version`, `help` and every command through a mux master use none of it. Each function below
// has libssh's own name and signature (the compiler checks them against its headers); the first
// call loads the library and resolves every function, or throws ConnectError naming what is
// missing. The executable exports none of these names, so libssh still calls its own.
// (macOS links libssh directly: its loader costs differ and this path is untested there.)
#include <dlfcn.h>
#include <fmt/format.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "core/errors.hpp"

namespace lxhost::ssh_library {
namespace {

constexpr const char* kLibrary = "libssh.so.4";

struct Api {
  decltype(&::ssh_channel_change_pty_size) ssh_channel_change_pty_size;
  decltype(&::ssh_channel_close) ssh_channel_close;
  decltype(&::ssh_channel_free) ssh_channel_free;
  decltype(&::ssh_channel_is_closed) ssh_channel_is_closed;
  decltype(&::ssh_channel_new) ssh_channel_new;
  decltype(&::ssh_channel_open_forward) ssh_channel_open_forward;
  decltype(&::ssh_channel_open_forward_unix) ssh_channel_open_forward_unix;
  decltype(&::ssh_channel_open_session) ssh_channel_open_session;
  decltype(&::ssh_channel_poll) ssh_channel_poll;
  decltype(&::ssh_channel_read_nonblocking) ssh_channel_read_nonblocking;
  decltype(&::ssh_channel_request_exec) ssh_channel_request_exec;
  decltype(&::ssh_channel_request_pty_size) ssh_channel_request_pty_size;
  decltype(&::ssh_channel_request_send_signal) ssh_channel_request_send_signal;
  decltype(&::ssh_channel_send_eof) ssh_channel_send_eof;
  decltype(&::ssh_channel_window_size) ssh_channel_window_size;
  decltype(&::ssh_channel_write) ssh_channel_write;
  decltype(&::ssh_clean_pubkey_hash) ssh_clean_pubkey_hash;
  decltype(&::ssh_connect) ssh_connect;
  decltype(&::ssh_disconnect) ssh_disconnect;
  decltype(&::ssh_event_add_fd) ssh_event_add_fd;
  decltype(&::ssh_event_add_session) ssh_event_add_session;
  decltype(&::ssh_event_dopoll) ssh_event_dopoll;
  decltype(&::ssh_event_free) ssh_event_free;
  decltype(&::ssh_event_new) ssh_event_new;
  decltype(&::ssh_event_remove_fd) ssh_event_remove_fd;
  decltype(&::ssh_event_remove_session) ssh_event_remove_session;
  decltype(&::ssh_free) ssh_free;
  decltype(&::ssh_get_error) ssh_get_error;
  decltype(&::ssh_get_fd) ssh_get_fd;
  decltype(&::ssh_get_fingerprint_hash) ssh_get_fingerprint_hash;
  decltype(&::ssh_get_log_callback) ssh_get_log_callback;
  decltype(&::ssh_get_log_level) ssh_get_log_level;
  decltype(&::ssh_get_log_userdata) ssh_get_log_userdata;
  decltype(&::ssh_get_publickey_hash) ssh_get_publickey_hash;
  decltype(&::ssh_get_server_publickey) ssh_get_server_publickey;
  decltype(&::ssh_is_connected) ssh_is_connected;
  decltype(&::ssh_key_free) ssh_key_free;
  decltype(&::ssh_key_type) ssh_key_type;
  decltype(&::ssh_key_type_to_char) ssh_key_type_to_char;
  decltype(&::ssh_new) ssh_new;
  decltype(&::ssh_options_get) ssh_options_get;
  decltype(&::ssh_options_get_port) ssh_options_get_port;
  decltype(&::ssh_options_parse_config) ssh_options_parse_config;
  decltype(&::ssh_options_set) ssh_options_set;
  decltype(&::ssh_remove_channel_callbacks) ssh_remove_channel_callbacks;
  decltype(&::ssh_send_ignore) ssh_send_ignore;
  decltype(&::ssh_session_is_known_server) ssh_session_is_known_server;
  decltype(&::ssh_session_update_known_hosts) ssh_session_update_known_hosts;
  decltype(&::ssh_set_blocking) ssh_set_blocking;
  decltype(&::ssh_set_callbacks) ssh_set_callbacks;
  decltype(&::ssh_set_channel_callbacks) ssh_set_channel_callbacks;
  decltype(&::ssh_set_log_callback) ssh_set_log_callback;
  decltype(&::ssh_set_log_level) ssh_set_log_level;
  decltype(&::ssh_set_log_userdata) ssh_set_log_userdata;
  decltype(&::ssh_string_free_char) ssh_string_free_char;
  decltype(&::ssh_userauth_publickey_auto) ssh_userauth_publickey_auto;
};

template <typename F>
void find(void* handle, const char* name, F& function) {
  void* symbol = ::dlsym(handle, name);
  if (!symbol) throw ConnectError(fmt::format("{} has no {}", kLibrary, name), "lxhost needs libssh 0.10 or later");
  function = reinterpret_cast<F>(symbol);
}

Api load() {
  void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw ConnectError(fmt::format("cannot load {}: {}", kLibrary, why ? why : "unknown error"),
                       "install libssh (Debian: libssh-4)");
  }
  Api api{};
  find(handle, "ssh_channel_change_pty_size", api.ssh_channel_change_pty_size);
  find(handle, "ssh_channel_close", api.ssh_channel_close);
  find(handle, "ssh_channel_free", api.ssh_channel_free);
  find(handle, "ssh_channel_is_closed", api.ssh_channel_is_closed);
  find(handle, "ssh_channel_new", api.ssh_channel_new);
  find(handle, "ssh_channel_open_forward", api.ssh_channel_open_forward);
  find(handle, "ssh_channel_open_forward_unix", api.ssh_channel_open_forward_unix);
  find(handle, "ssh_channel_open_session", api.ssh_channel_open_session);
  find(handle, "ssh_channel_poll", api.ssh_channel_poll);
  find(handle, "ssh_channel_read_nonblocking", api.ssh_channel_read_nonblocking);
  find(handle, "ssh_channel_request_exec", api.ssh_channel_request_exec);
  find(handle, "ssh_channel_request_pty_size", api.ssh_channel_request_pty_size);
  find(handle, "ssh_channel_request_send_signal", api.ssh_channel_request_send_signal);
  find(handle, "ssh_channel_send_eof", api.ssh_channel_send_eof);
  find(handle, "ssh_channel_window_size", api.ssh_channel_window_size);
  find(handle, "ssh_channel_write", api.ssh_channel_write);
  find(handle, "ssh_clean_pubkey_hash", api.ssh_clean_pubkey_hash);
  find(handle, "ssh_connect", api.ssh_connect);
  find(handle, "ssh_disconnect", api.ssh_disconnect);
  find(handle, "ssh_event_add_fd", api.ssh_event_add_fd);
  find(handle, "ssh_event_add_session", api.ssh_event_add_session);
  find(handle, "ssh_event_dopoll", api.ssh_event_dopoll);
  find(handle, "ssh_event_free", api.ssh_event_free);
  find(handle, "ssh_event_new", api.ssh_event_new);
  find(handle, "ssh_event_remove_fd", api.ssh_event_remove_fd);
  find(handle, "ssh_event_remove_session", api.ssh_event_remove_session);
  find(handle, "ssh_free", api.ssh_free);
  find(handle, "ssh_get_error", api.ssh_get_error);
  find(handle, "ssh_get_fd", api.ssh_get_fd);
  find(handle, "ssh_get_fingerprint_hash", api.ssh_get_fingerprint_hash);
  find(handle, "ssh_get_log_callback", api.ssh_get_log_callback);
  find(handle, "ssh_get_log_level", api.ssh_get_log_level);
  find(handle, "ssh_get_log_userdata", api.ssh_get_log_userdata);
  find(handle, "ssh_get_publickey_hash", api.ssh_get_publickey_hash);
  find(handle, "ssh_get_server_publickey", api.ssh_get_server_publickey);
  find(handle, "ssh_is_connected", api.ssh_is_connected);
  find(handle, "ssh_key_free", api.ssh_key_free);
  find(handle, "ssh_key_type", api.ssh_key_type);
  find(handle, "ssh_key_type_to_char", api.ssh_key_type_to_char);
  find(handle, "ssh_new", api.ssh_new);
  find(handle, "ssh_options_get", api.ssh_options_get);
  find(handle, "ssh_options_get_port", api.ssh_options_get_port);
  find(handle, "ssh_options_parse_config", api.ssh_options_parse_config);
  find(handle, "ssh_options_set", api.ssh_options_set);
  find(handle, "ssh_remove_channel_callbacks", api.ssh_remove_channel_callbacks);
  find(handle, "ssh_send_ignore", api.ssh_send_ignore);
  find(handle, "ssh_session_is_known_server", api.ssh_session_is_known_server);
  find(handle, "ssh_session_update_known_hosts", api.ssh_session_update_known_hosts);
  find(handle, "ssh_set_blocking", api.ssh_set_blocking);
  find(handle, "ssh_set_callbacks", api.ssh_set_callbacks);
  find(handle, "ssh_set_channel_callbacks", api.ssh_set_channel_callbacks);
  find(handle, "ssh_set_log_callback", api.ssh_set_log_callback);
  find(handle, "ssh_set_log_level", api.ssh_set_log_level);
  find(handle, "ssh_set_log_userdata", api.ssh_set_log_userdata);
  find(handle, "ssh_string_free_char", api.ssh_string_free_char);
  find(handle, "ssh_userauth_publickey_auto", api.ssh_userauth_publickey_auto);
  return api;  // the library stays loaded for the life of the process
}

// Loaded by the first call, before any callback of libssh can run: so a failure throws into
// lxhost's own code, never through libssh's C frames.
const Api& api() {
  static const Api loaded = load();
  return loaded;
}

}  // namespace
}  // namespace lxhost::ssh_library

using lxhost::ssh_library::api;

extern "C" {

int ssh_channel_change_pty_size(ssh_channel channel, int cols, int rows) {
  return api().ssh_channel_change_pty_size(channel, cols, rows);
}
int ssh_channel_close(ssh_channel channel) { return api().ssh_channel_close(channel); }
void ssh_channel_free(ssh_channel channel) { api().ssh_channel_free(channel); }
int ssh_channel_is_closed(ssh_channel channel) { return api().ssh_channel_is_closed(channel); }
ssh_channel ssh_channel_new(ssh_session session) { return api().ssh_channel_new(session); }
int ssh_channel_open_forward(ssh_channel channel, const char* remotehost, int remoteport, const char* sourcehost,
                             int localport) {
  return api().ssh_channel_open_forward(channel, remotehost, remoteport, sourcehost, localport);
}
int ssh_channel_open_forward_unix(ssh_channel channel, const char* remotepath, const char* sourcehost, int localport) {
  return api().ssh_channel_open_forward_unix(channel, remotepath, sourcehost, localport);
}
int ssh_channel_open_session(ssh_channel channel) { return api().ssh_channel_open_session(channel); }
int ssh_channel_poll(ssh_channel channel, int is_stderr) { return api().ssh_channel_poll(channel, is_stderr); }
int ssh_channel_read_nonblocking(ssh_channel channel, void* dest, uint32_t count, int is_stderr) {
  return api().ssh_channel_read_nonblocking(channel, dest, count, is_stderr);
}
int ssh_channel_request_exec(ssh_channel channel, const char* cmd) {
  return api().ssh_channel_request_exec(channel, cmd);
}
int ssh_channel_request_pty_size(ssh_channel channel, const char* term, int cols, int rows) {
  return api().ssh_channel_request_pty_size(channel, term, cols, rows);
}
int ssh_channel_request_send_signal(ssh_channel channel, const char* signum) {
  return api().ssh_channel_request_send_signal(channel, signum);
}
int ssh_channel_send_eof(ssh_channel channel) { return api().ssh_channel_send_eof(channel); }
uint32_t ssh_channel_window_size(ssh_channel channel) { return api().ssh_channel_window_size(channel); }
int ssh_channel_write(ssh_channel channel, const void* data, uint32_t len) {
  return api().ssh_channel_write(channel, data, len);
}
void ssh_clean_pubkey_hash(unsigned char** hash) { api().ssh_clean_pubkey_hash(hash); }
int ssh_connect(ssh_session session) { return api().ssh_connect(session); }
void ssh_disconnect(ssh_session session) { api().ssh_disconnect(session); }
int ssh_event_add_fd(ssh_event event, socket_t fd, short events, ssh_event_callback cb, void* userdata) {
  return api().ssh_event_add_fd(event, fd, events, cb, userdata);
}
int ssh_event_add_session(ssh_event event, ssh_session session) { return api().ssh_event_add_session(event, session); }
int ssh_event_dopoll(ssh_event event, int timeout) { return api().ssh_event_dopoll(event, timeout); }
void ssh_event_free(ssh_event event) { api().ssh_event_free(event); }
ssh_event ssh_event_new(void) { return api().ssh_event_new(); }
int ssh_event_remove_fd(ssh_event event, socket_t fd) { return api().ssh_event_remove_fd(event, fd); }
int ssh_event_remove_session(ssh_event event, ssh_session session) {
  return api().ssh_event_remove_session(event, session);
}
void ssh_free(ssh_session session) { api().ssh_free(session); }
const char* ssh_get_error(void* error) { return api().ssh_get_error(error); }
socket_t ssh_get_fd(ssh_session session) { return api().ssh_get_fd(session); }
char* ssh_get_fingerprint_hash(enum ssh_publickey_hash_type type, unsigned char* hash, size_t len) {
  return api().ssh_get_fingerprint_hash(type, hash, len);
}
ssh_logging_callback ssh_get_log_callback(void) { return api().ssh_get_log_callback(); }
int ssh_get_log_level(void) { return api().ssh_get_log_level(); }
void* ssh_get_log_userdata(void) { return api().ssh_get_log_userdata(); }
int ssh_get_publickey_hash(const ssh_key key, enum ssh_publickey_hash_type type, unsigned char** hash, size_t* hlen) {
  return api().ssh_get_publickey_hash(key, type, hash, hlen);
}
int ssh_get_server_publickey(ssh_session session, ssh_key* key) { return api().ssh_get_server_publickey(session, key); }
int ssh_is_connected(ssh_session session) { return api().ssh_is_connected(session); }
void ssh_key_free(ssh_key key) { api().ssh_key_free(key); }
enum ssh_keytypes_e ssh_key_type(const ssh_key key) { return api().ssh_key_type(key); }
const char* ssh_key_type_to_char(enum ssh_keytypes_e type) { return api().ssh_key_type_to_char(type); }
ssh_session ssh_new(void) { return api().ssh_new(); }
int ssh_options_get(ssh_session session, enum ssh_options_e type, char** value) {
  return api().ssh_options_get(session, type, value);
}
int ssh_options_get_port(ssh_session session, unsigned int* port_target) {
  return api().ssh_options_get_port(session, port_target);
}
int ssh_options_parse_config(ssh_session session, const char* filename) {
  return api().ssh_options_parse_config(session, filename);
}
int ssh_options_set(ssh_session session, enum ssh_options_e type, const void* value) {
  return api().ssh_options_set(session, type, value);
}
int ssh_remove_channel_callbacks(ssh_channel channel, ssh_channel_callbacks cb) {
  return api().ssh_remove_channel_callbacks(channel, cb);
}
int ssh_send_ignore(ssh_session session, const char* data) { return api().ssh_send_ignore(session, data); }
enum ssh_known_hosts_e ssh_session_is_known_server(ssh_session session) {
  return api().ssh_session_is_known_server(session);
}
int ssh_session_update_known_hosts(ssh_session session) { return api().ssh_session_update_known_hosts(session); }
void ssh_set_blocking(ssh_session session, int blocking) { api().ssh_set_blocking(session, blocking); }
int ssh_set_callbacks(ssh_session session, ssh_callbacks cb) { return api().ssh_set_callbacks(session, cb); }
int ssh_set_channel_callbacks(ssh_channel channel, ssh_channel_callbacks cb) {
  return api().ssh_set_channel_callbacks(channel, cb);
}
int ssh_set_log_callback(ssh_logging_callback cb) { return api().ssh_set_log_callback(cb); }
int ssh_set_log_level(int level) { return api().ssh_set_log_level(level); }
int ssh_set_log_userdata(void* data) { return api().ssh_set_log_userdata(data); }
void ssh_string_free_char(char* s) { api().ssh_string_free_char(s); }
int ssh_userauth_publickey_auto(ssh_session session, const char* username, const char* passphrase) {
  return api().ssh_userauth_publickey_auto(session, username, passphrase);
}

}  // extern "C"

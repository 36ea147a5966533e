// RAII for libssh's C handles, destroyed in order: channel -> session (events own nothing).
#pragma once

#include <libssh/libssh.h>

#include <chrono>
#include <memory>

namespace lxhost {

struct SessionDeleter {
  void operator()(ssh_session session) const {
    ssh_disconnect(session);
    ssh_free(session);
  }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;

struct ChannelDeleter {
  void operator()(ssh_channel channel) const {
    if (!ssh_channel_is_closed(channel)) ssh_channel_close(channel);
    ssh_channel_free(channel);
  }
};
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;

struct EventDeleter {
  void operator()(ssh_event event) const { ssh_event_free(event); }
};
using EventPtr = std::unique_ptr<ssh_event_struct, EventDeleter>;

using Clock = std::chrono::steady_clock;

inline long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

}  // namespace lxhost

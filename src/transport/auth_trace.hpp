// libssh's own account of the keys it offers while authenticating, caught from its log (it has
// no API for it): which were tried, and which one the server accepted. For doctor.
#pragma once

#include <libssh/libssh.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

// While alive, libssh logs at debug level into this object (and no longer where it logged before).
class OfferedKeys {
 public:
  OfferedKeys() : level_(ssh_get_log_level()), callback_(ssh_get_log_callback()), userdata_(ssh_get_log_userdata()) {
    ssh_set_log_callback(&OfferedKeys::collect);
    ssh_set_log_userdata(this);
    ssh_set_log_level(SSH_LOG_DEBUG);
  }
  ~OfferedKeys() {
    ssh_set_log_level(level_);
    ssh_set_log_callback(callback_);
    ssh_set_log_userdata(userdata_);
  }
  OfferedKeys(const OfferedKeys&) = delete;
  OfferedKeys& operator=(const OfferedKeys&) = delete;

  const std::vector<std::string>& tried() const { return tried_; }
  const std::string& accepted() const { return accepted_; }

 private:
  static void collect(int, const char*, const char* text, void* userdata) {
    auto* self = static_cast<OfferedKeys*>(userdata);
    const std::string_view line = text ? text : "";
    auto after = [&](std::string_view marker) -> std::optional<std::string> {
      const auto at = line.find(marker);
      if (at == std::string_view::npos) return std::nullopt;
      return std::string(line.substr(at + marker.size()));
    };
    if (auto file = after("Trying to authenticate with ")) self->tried_.push_back(*file);
    else if (auto agent_key = after("Trying identity ")) self->tried_.push_back("agent key " + *agent_key);
    else if (auto ok = after("Successfully authenticated using ")) self->accepted_ = *ok;
  }

  int level_;
  ssh_logging_callback callback_;
  void* userdata_;
  std::vector<std::string> tried_;
  std::string accepted_;
};

}  // namespace lxhost

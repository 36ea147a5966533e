#include "core/held_stderr.hpp"

#include <utility>

namespace lxhost {

HeldStderr::HeldStderr(OutputSink& next, std::string_view mark)
    : next_(next), mark_line_(mark.empty() ? "" : std::string(mark) + "\n") {}

bool HeldStderr::err(std::string_view bytes) {
  if (marked_) return next_.err(bytes);
  held_.append(bytes);
  if (mark_line_.empty()) return true;
  const size_t at = held_.find(mark_line_);
  if (at == std::string::npos) return true;
  marked_ = true;  // what the tool said before (warnings) and what came after go on, in order
  std::string passed = std::exchange(held_, {});
  passed.erase(at, mark_line_.size());
  return passed.empty() || next_.err(passed);
}

}  // namespace lxhost

// An output sink that passes stdout on and holds stderr back, for a remote tool whose stderr is
// only diagnostics that a failure folds into one line (lxc-copy under clone and start-ephemeral).
#pragma once

#include <string>
#include <string_view>

#include "core/transport.hpp"

namespace lxhost {

// With a mark (a line start-ephemeral's script writes on stderr once the copy exists), only what
// comes before the mark is held: the mark is dropped, and what follows (CMD's) passes as it
// comes. The mark may arrive split over any number of writes.
class HeldStderr : public OutputSink {
 public:
  explicit HeldStderr(OutputSink& next, std::string_view mark = "");
  bool out(std::string_view bytes) override { return next_.out(bytes); }
  bool err(std::string_view bytes) override;

  // What was held: all of stderr without a mark; what came before the mark until it arrives.
  const std::string& held() const { return held_; }
  // The mark arrived (and what was held before it went on).
  bool marked() const { return marked_; }

 private:
  OutputSink& next_;
  std::string mark_line_;
  std::string held_;
  bool marked_ = false;
};

}  // namespace lxhost

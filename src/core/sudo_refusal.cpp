#include "core/sudo_refusal.hpp"

#include <array>
#include <utility>

namespace lxhost {

namespace {

// How sudo's messages start; only a first line that starts like one of them is held back.
constexpr std::array<std::string_view, 2> refusal_starts = {"sudo: ", "Sorry, user "};

// A first line longer than this is not one of sudo's refusals worth waiting for.
constexpr std::size_t max_held = 4096;

bool may_be_refusal(std::string_view held) {
  for (std::string_view start : refusal_starts) {
    if (held.starts_with(start) || start.starts_with(held)) return true;
  }
  return false;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// sudo 1.9's refusals under `sudo -n` (and older sudos' wordings of the same).
std::optional<SudoRefusal> classify(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line == "sudo: a password is required" ||
      line == "sudo: a terminal is required to read the password; either use the -S option to "
              "read from standard input or configure an askpass helper" ||
      line == "sudo: no tty present and no askpass program specified") {
    return SudoRefusal::password_required;
  }
  // "Sorry, user NAME is not allowed to execute 'CMD' as USER on HOST."
  // "Sorry, user NAME may not run sudo on HOST."
  constexpr std::string_view sorry = "Sorry, user ";
  if (line.starts_with(sorry) && line.ends_with('.')) {
    const std::string_view rest = line.substr(sorry.size());
    const std::size_t execute = rest.find(" is not allowed to execute '");
    if (execute != std::string_view::npos && execute > 0 &&
        contains(rest.substr(execute), "' as ") && contains(rest.substr(execute), " on ")) {
      return SudoRefusal::not_allowed;
    }
    const std::size_t may_not = rest.find(" may not run sudo on ");
    if (may_not != std::string_view::npos && may_not > 0) return SudoRefusal::not_allowed;
  }
  return std::nullopt;
}

}  // namespace

std::string SudoRefusalFilter::feed(std::string_view chunk) {
  if (state_ == State::passing) return std::string(chunk);
  held_.append(chunk);

  const std::size_t newline = held_.find('\n');
  if (newline != std::string::npos) {
    // The first line is complete: decide once, then pass everything. (The length limit makes
    // the verdict the same however the bytes were chunked.)
    state_ = State::passing;
    if (newline <= max_held) matched_ = classify(std::string_view(held_).substr(0, newline));
    if (!matched_) return std::exchange(held_, {});
    std::string after = held_.substr(newline + 1);
    held_.resize(newline + 1);  // the refusal stays held until finish()
    return after;
  }
  if (!may_be_refusal(held_) || held_.size() > max_held) {
    state_ = State::passing;
    return std::exchange(held_, {});
  }
  return {};
}

std::string SudoRefusalFilter::saw_stdout() {
  // The tool runs, so a held line was the tool's (or a warning), not a refusal.
  state_ = State::passing;
  matched_.reset();
  return std::exchange(held_, {});
}

SudoRefusalFilter::Verdict SudoRefusalFilter::finish(int exit_code) {
  // A first line cut short by the end of the stream is judged as it stands.
  if (state_ == State::first_line && !held_.empty()) matched_ = classify(held_);
  state_ = State::passing;
  Verdict verdict;
  if (matched_ && exit_code == 1) {
    verdict.refusal = matched_;
    held_.clear();
  } else {
    verdict.flush = std::exchange(held_, {});
  }
  matched_.reset();
  return verdict;
}

}  // namespace lxhost

#include "commands/remote_run.hpp"

#include <fmt/format.h>

#include <random>

#include "core/errors.hpp"
#include "core/shell_quote.hpp"
#include "transport/local_output.hpp"

namespace lxhost {
namespace {

[[noreturn]] void throw_refusal(Context& ctx, SudoRefusal refusal, std::string_view tool) {
  const HostConfig& host = ctx.host();
  const std::string user = host.user.value.empty() ? std::string("USER") : host.user.value;
  const std::string why = refusal == SudoRefusal::password_required ? "sudo wants a password" : "sudo does not allow it";
  throw Failure(fmt::format("{}: {} on {} cannot run as root: {} (lxhost runs `sudo -n`, which never asks)", tool,
                            user, host.address.value, why),
                fmt::format("on the host, add the line `{} ALL=(root) NOPASSWD: /usr/bin/lxc-*` with "
                            "`visudo -f /etc/sudoers.d/lxhost`, or set sudo = false for this host",
                            user));
}

// Passes output through, holding back only what might be sudo's own refusal.
class SudoAwareOutput : public OutputSink {
 public:
  SudoAwareOutput(OutputSink& next, bool pty) : next_(next), pty_(pty) {}
  bool out(std::string_view bytes) override {
    // With a PTY, sudo's message arrives on the terminal, i.e. on stdout.
    if (pty_) return next_.out(filter_.feed(bytes));
    const std::string held = filter_.saw_stdout();
    if (!held.empty() && !next_.err(held)) return false;
    return next_.out(bytes);
  }
  bool err(std::string_view bytes) override {
    const std::string now = filter_.feed(bytes);
    return now.empty() || next_.err(now);
  }
  SudoRefusalFilter::Verdict finish(int exit_code) { return filter_.finish(exit_code); }
  OutputSink& next() { return next_; }
  bool pty() const { return pty_; }

 private:
  OutputSink& next_;
  bool pty_;
  SudoRefusalFilter filter_;
};

std::string first_line(std::string_view text) {
  const auto end = text.find('\n');
  return std::string(text.substr(0, end));
}

}  // namespace

int run_remote(Context& ctx, const RemoteCommand& command, std::string_view tool) {
  LocalOutput local;
  return run_remote(ctx, command, tool, local);
}

int run_remote(Context& ctx, const RemoteCommand& typed, std::string_view tool, OutputSink& local) {
  RemoteCommand command = typed;
  if (command.pty) command.term = terminal_type(ctx.env().get("TERM"));
  if (!ctx.host().sudo.value) return ctx.transport().run(command, local);
  SudoAwareOutput output(local, command.pty);
  const int code = ctx.transport().run(command, output);
  auto verdict = output.finish(code);
  if (verdict.refusal) throw_refusal(ctx, *verdict.refusal, tool);
  if (!verdict.flush.empty()) {
    if (command.pty) local.out(verdict.flush);
    else local.err(verdict.flush);
  }
  return code;
}

std::string capture_remote(Context& ctx, const std::string& line, std::string_view tool) {
  Captured result = ctx.transport().capture(line);
  if (ctx.host().sudo.value) {
    SudoRefusalFilter filter;
    filter.feed(result.err);
    if (auto verdict = filter.finish(result.exit_code); verdict.refusal) throw_refusal(ctx, *verdict.refusal, tool);
  }
  if (result.exit_code != 0)
    throw Failure(fmt::format("{} on {} failed (exit {}){}{}", tool, ctx.host().address.value, result.exit_code,
                              result.err.empty() ? "" : ": ", first_line(result.err)));
  return std::move(result.out);
}

std::vector<std::string> with_verb_defaults(Context& ctx, const Verb& verb, std::span<const std::string> typed) {
  std::vector<std::string> args;
  if (const VerbDefaults* defaults = ctx.config().verb_defaults(verb_word(verb))) args = defaults->args.value;
  args.insert(args.end(), typed.begin(), typed.end());
  return args;
}

std::string verb_defaults_note(Context& ctx, const Verb& verb) {
  const VerbDefaults* defaults = ctx.config().verb_defaults(verb_word(verb));
  if (defaults == nullptr || defaults->args.value.empty()) return "";
  return fmt::format("{} (the config's [verbs.{}] args, {})", quote_words(defaults->args.value), verb_word(verb),
                     defaults->args.origin.describe());
}

void note_verb_defaults(Context& ctx, const Verb& verb) {
  if (const std::string note = verb_defaults_note(ctx, verb); !note.empty())
    ctx.log().hint("{} ran with {} before the arguments typed", verb.legacy ? verb.name : verb.tool, note);
}

std::string make_token() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string token;
  for (int i = 0; i < 16; ++i) token += "0123456789abcdef"[digit(device)];
  return token;
}

}  // namespace lxhost

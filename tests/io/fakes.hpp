// Commands run in-process, with fakes where a Context reaches the outside world (its Services):
// a container host that answers remote lines from a script, an mDNS daemon with fixed answers, a
// system resolver. Each records what it was asked, for the test to check. A Context made here
// reads its config from a fresh temporary home (no file: the defaults) and keeps its caches there.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "commands/context.hpp"
#include "core/cli.hpp"
#include "core/discovery.hpp"
#include "core/errors.hpp"
#include "core/transport.hpp"

namespace lxhost::testing {

// The container host: each remote line gets the answer of the first rule whose needle it
// contains (no rule: exit 127, as a shell says of a command it does not find). Lines may come
// from several threads at once (`list --all-hosts`).
struct FakeHost {
  struct Rule {
    std::string needle;
    std::function<Captured(const std::string& line)> answer;
  };
  std::vector<Rule> rules;
  std::vector<std::string> lines;                     // every line run or captured, in order
  std::vector<std::pair<std::string, int>> forwards;  // every forward's address and port
  // Unix sockets on the host (LXD's API): each request's bytes, by socket, and the answer's bytes
  // (handed over in one piece). No answer for a socket: the host cannot open it.
  std::vector<std::pair<std::string, std::string>> exchanges;
  std::map<std::string, std::function<std::string(const std::string& request)>> sockets;
  std::mutex lock;

  void answer(std::string needle, int exit_code, std::string out, std::string err = {}) {
    rules.push_back({std::move(needle), [answer = Captured{exit_code, std::move(out), std::move(err)}](
                                            const std::string&) { return answer; }});
  }
  void answer(std::string needle, std::function<Captured(const std::string& line)> answer) {
    rules.push_back({std::move(needle), std::move(answer)});
  }
  Captured reply(const std::string& line) {
    const std::lock_guard hold(lock);
    lines.push_back(line);
    for (const Rule& rule : rules)
      if (line.find(rule.needle) != std::string::npos) return rule.answer(line);
    return Captured{127, "", "sh: command not found\n"};
  }
  size_t asked(std::string_view needle) const {
    size_t count = 0;
    for (const std::string& line : lines) if (line.find(needle) != std::string::npos) ++count;
    return count;
  }
};

class FakeTransport : public Transport {
 public:
  explicit FakeTransport(FakeHost& host) : host_(host) {}
  int run(const RemoteCommand& command, OutputSink& sink) override {
    const Captured answer = host_.reply(command.line);
    sink.out(answer.out);
    sink.err(answer.err);
    return answer.exit_code;
  }
  Captured capture(const std::string& line) override { return host_.reply(line); }
  int forward(const std::string& address, int port) override {
    host_.forwards.emplace_back(address, port);
    return 0;
  }
  void exchange(const std::string& socket, std::string_view request, const std::function<bool(std::string_view)>& take,
                std::chrono::milliseconds /*bound*/) override {
    std::function<std::string(const std::string&)> answer;
    {
      const std::lock_guard hold(host_.lock);
      host_.exchanges.emplace_back(socket, std::string(request));
      const auto found = host_.sockets.find(socket);
      if (found == host_.sockets.end())
        throw ConnectError("containers cannot open a connection to the unix socket " + socket + ": refused");
      answer = found->second;
    }
    take(answer(std::string(request)));
  }

 private:
  FakeHost& host_;
};

// The mDNS daemon: fixed answers, or none at all (`unavailable`).
struct FakeMdns {
  bool unavailable = false;
  std::map<std::string, std::vector<std::string>> addresses;  // name -> addresses
  std::map<std::string, std::string> names;                   // address -> the name that answers
  std::vector<std::string> resolved;                          // names asked, in order
  std::vector<std::vector<std::string>> reversed;             // each reverse lookup's addresses
  // A resolve waits while `held` (at most its timeout, then answers nothing, as for a name nobody
  // announces). `resolves_done` counts the resolves that returned: a command that resolves on a
  // thread of its own is done with this fake once it is reached (read `resolved` only then).
  std::atomic<bool> held{false};
  std::atomic<int> resolves_done{0};
  std::vector<ReverseRequest> reverse_requests;               // ... and the whole request
};

class FakeDiscovery : public Discovery {
 public:
  explicit FakeDiscovery(FakeMdns& mdns) : mdns_(mdns) {}
  std::string_view backend() const override { return "fake"; }
  std::vector<ServiceInstance> browse(const BrowseRequest& /*request*/) override {
    available();
    return {};
  }
  std::vector<std::string> resolve(std::string_view host, IpFamily /*family*/,
                                   std::chrono::milliseconds timeout) override {
    struct Done {  // counted however the resolve ends
      FakeMdns& mdns;
      ~Done() { ++mdns.resolves_done; }
    } done{mdns_};
    mdns_.resolved.emplace_back(host);
    available();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (mdns_.held && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (mdns_.held) return {};
    const auto found = mdns_.addresses.find(std::string(host));
    return found == mdns_.addresses.end() ? std::vector<std::string>{} : found->second;
  }
  std::vector<std::string> reverse(const ReverseRequest& request) override {
    mdns_.reversed.push_back(request.addresses);
    mdns_.reverse_requests.push_back(request);
    available();
    std::vector<std::string> answers;
    for (const std::string& address : request.addresses) {
      const auto found = mdns_.names.find(address);
      answers.push_back(found == mdns_.names.end() ? "" : found->second);
    }
    return answers;
  }

 private:
  void available() const {
    if (mdns_.unavailable) throw MdnsUnavailable("mDNS: no daemon (fake)");
  }
  FakeMdns& mdns_;
};

// The system resolver: fixed answers; a name it does not know gets no answer in time.
struct FakeResolver {
  std::map<std::string, std::vector<std::string>> addresses;
  std::vector<std::string> asked;
};

// A host, an mDNS daemon and a system resolver, and Contexts that use them.
class Fakes {
 public:
  FakeHost host;
  FakeMdns mdns;
  FakeResolver resolver;

  Fakes() : home_(make_home()) {}
  ~Fakes() {
    std::error_code ignored;
    std::filesystem::remove_all(home_, ignored);
  }
  Fakes(const Fakes&) = delete;
  Fakes& operator=(const Fakes&) = delete;

  const std::string& home() const { return home_; }

  // A Context for `lxhost GLOBAL_OPTIONS... COMMAND` (the command's own arguments go to its run_*
  // function): parsed as the real command line is.
  Context context(std::vector<std::string> argv = {"lxhost", "-q"}) {
    const Environment env({{"HOME", home_}, {"XDG_RUNTIME_DIR", home_ + "/run"}});
    const Invocation invocation = parse_command_line(argv, env);
    Paths paths = paths_from_env(env, static_cast<unsigned>(::getuid()));
    Services services{
        [this](Context&) { return std::make_unique<FakeTransport>(host); },
        [this](Context&) { return std::make_unique<FakeDiscovery>(mdns); },
        [this](const std::string& name, std::chrono::milliseconds) -> std::optional<std::vector<std::string>> {
          resolver.asked.push_back(name);
          const auto found = resolver.addresses.find(name);
          if (found == resolver.addresses.end()) return std::nullopt;
          return found->second;
        },
        {},   // follow: publish has no in-process test (e2e.mdns_publish runs it)
        {}};  // publisher
    return Context(invocation, env, std::move(paths), std::move(services));
  }

 private:
  static std::string make_home() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lxhost-fakes.XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    return pattern;
  }
  std::string home_;
};

// What this process writes on one descriptor (1 or 2) while it lives: the descriptor goes to a
// temporary file and comes back on take() or destruction.
class CapturedFd {
 public:
  explicit CapturedFd(int fd) : fd_(fd), file_(std::tmpfile()) {
    REQUIRE(file_ != nullptr);
    std::fflush(nullptr);
    saved_ = ::dup(fd_);
    REQUIRE(saved_ >= 0);
    REQUIRE(::dup2(::fileno(file_), fd_) == fd_);
  }
  ~CapturedFd() {
    restore();
    std::fclose(file_);
  }
  CapturedFd(const CapturedFd&) = delete;
  CapturedFd& operator=(const CapturedFd&) = delete;

  std::string take() {
    restore();
    std::rewind(file_);
    std::string text;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, file_)) > 0;) text.append(buf, n);
    return text;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(nullptr);
    ::dup2(saved_, fd_);
    ::close(saved_);
    saved_ = -1;
  }
  int fd_;
  std::FILE* file_;
  int saved_ = -1;
};

}  // namespace lxhost::testing

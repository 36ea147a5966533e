#include "catch.hpp"

#include <random>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/mux/protocol.hpp"

using namespace lxhost;
using namespace lxhost::mux;

namespace {

// Feeds `bytes` in pieces of `step` and collects every frame.
std::vector<Frame> frames_of(const std::string& bytes, std::size_t step) {
  Decoder decoder;
  std::vector<Frame> frames;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    decoder.feed(std::string_view(bytes).substr(at, step));
    while (auto frame = decoder.next()) frames.push_back(std::move(*frame));
  }
  return frames;
}

std::string random_bytes(std::mt19937& random, std::size_t n) {
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

}  // namespace

TEST_CASE("mux frames: type, big-endian length, payload", "[mux]") {
  CHECK(encode(Type::in, "ab") == std::string("I\0\0\0\2ab", 7));
  CHECK(encode(Type::in_eof) == std::string("i\0\0\0\0", 5));
  CHECK(encode(Type::out, std::string(300, 'x')).substr(0, 5) == std::string("O\0\0\x01\x2c", 5));
}

TEST_CASE("mux frames survive any split of the stream, in order", "[mux]") {
  std::mt19937 random(4242);
  std::string stream;
  std::vector<std::string> payloads;
  for (int i = 0; i < 200; ++i) {
    payloads.push_back(random_bytes(random, random() % 3 == 0 ? 0 : random() % 5000));
    stream += encode(i % 2 ? Type::out : Type::err, payloads.back());
  }
  payloads.push_back(random_bytes(random, 1 << 20));
  stream += encode(Type::out, payloads.back());
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{4096}, stream.size()}) {
    const std::vector<Frame> frames = frames_of(stream, step);
    REQUIRE(frames.size() == payloads.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      CHECK(frames[i].payload == payloads[i]);
      CHECK(frames[i].type == (i == 200 || i % 2 ? Type::out : Type::err));
    }
  }
}

TEST_CASE("mux messages round-trip", "[mux]") {
  RunRequest run{std::string("exec sudo -n lxc-attach -n 'a b' -- printf '%s\\0' \"\n\x01\xff") + std::string(1, '\0') + "end",
                 true, "xterm-256color", 211, 57};
  const RunRequest back = decode_run(frames_of(encode(run), 7).at(0));
  CHECK(back.line == run.line);
  CHECK(back.pty);
  CHECK(back.term == "xterm-256color");
  CHECK(back.cols == 211);
  CHECK(back.rows == 57);

  const ForwardRequest forward = decode_forward(frames_of(encode(ForwardRequest{"10.203.0.21", 22, {}}), 3).at(0));
  CHECK(forward.address == "10.203.0.21");
  CHECK(forward.port == 22);
  CHECK(forward.socket.empty());
  CHECK_THROWS_AS(decode_forward(frames_of(encode(ForwardRequest{"x", 70000, {}}), 3).at(0)), ProtocolError);
  // A unix socket on the host (LXD's API), and what may not come with it.
  const ForwardRequest unix_socket = decode_forward(frames_of(encode(ForwardRequest{"", 0, "/var/lib/lxd/unix.socket"}), 4).at(0));
  CHECK(unix_socket.socket == "/var/lib/lxd/unix.socket");
  CHECK(unix_socket.address.empty());
  CHECK(unix_socket.port == 0);
  CHECK_THROWS_AS(decode_forward(frames_of(encode(ForwardRequest{"10.0.0.1", 22, "/run/x.sock"}), 1).at(0)), ProtocolError);
  CHECK_THROWS_AS(decode_forward(frames_of(encode(ForwardRequest{"", 0, "relative.sock"}), 1).at(0)), ProtocolError);
  CHECK_THROWS_AS(decode_forward(frames_of(encode(ForwardRequest{"", 0, std::string("/a\0b", 4)}), 1).at(0)),
                  ProtocolError);

  const WindowChange size = decode_winch(frames_of(encode(WindowChange{65535, 1}), 1).at(0));
  CHECK(size.cols == 65535);
  CHECK(size.rows == 1);

  const SignalRequest signal = decode_signal(frames_of(encode(SignalRequest{"INT", "kill line"}), 2).at(0));
  CHECK(signal.name == "INT");
  CHECK(signal.side_line == "kill line");

  for (const ExitReport& report : {ExitReport{ExitReport::Kind::status, 255, "", ""}, signal_report("TERM"),
                                   error_report(ConnectError("the connection was lost", "is the host up?"))}) {
    const ExitReport got = decode_exit(frames_of(encode(report), 5).at(0));
    CHECK(got.kind == report.kind);
    CHECK(got.status == report.status);
    CHECK(got.text == report.text);
    CHECK(got.hint == report.hint);
  }

  StatusReply status;
  status.pid = 4242;
  status.host = "lab (lxhtest@10.203.0.1:2222)";
  status.uptime_s = 3600;
  status.channels = 3;
  status.clients = 2;
  status.queued = 1;
  const StatusReply got = decode_status(frames_of(encode(status), 64).at(0));
  CHECK(got.version == kProtocolVersion);
  CHECK(got.pid == 4242);
  CHECK(got.host == status.host);
  CHECK(got.uptime_s == 3600);
  CHECK(got.channels == 3);
  CHECK(got.clients == 2);
  CHECK(got.queued == 1);
}

TEST_CASE("mux hello: the version comes first in every version's hello", "[mux]") {
  const Hello request = decode_hello(frames_of(encode_hello_request(7), 1).at(0), false);
  CHECK(request.version == 7);
  const Hello reply = decode_hello(frames_of(encode_hello_reply(Hello{0, 99}), 1).at(0), true);
  CHECK(reply.version == 0);
  CHECK(reply.pid == 99);
  // A request of a later version may carry more: only its version is read.
  const std::string longer = encode(Type::hello, Writer().u32(9).str("more").take());
  CHECK(decode_hello(frames_of(longer, 1).at(0), false).version == 9);
}

TEST_CASE("mux: what is not the protocol is refused, never misread", "[mux]") {
  Decoder unknown;
  unknown.feed(std::string("Z\0\0\0\0", 5));
  CHECK_THROWS_AS(unknown.next(), ProtocolError);

  Decoder huge;
  huge.feed(std::string("O\x7f\xff\xff\xff", 5));
  CHECK_THROWS_AS(huge.next(), ProtocolError);

  Decoder partial;
  partial.feed(encode(Type::out, "hello").substr(0, 8));
  CHECK_FALSE(partial.next().has_value());

  CHECK_THROWS_AS(decode_run(Frame{Type::run, std::string("\0\1", 2)}), ProtocolError);            // ends early
  CHECK_THROWS_AS(decode_winch(Frame{Type::winch, std::string("\0\1\0\1\0", 5)}), ProtocolError);  // left over
  CHECK_THROWS_AS(decode_exit(Frame{Type::exit, Writer().u16(7).u32(0).str("").take()}), ProtocolError);
  CHECK_THROWS_AS(decode_run(Frame{Type::out, ""}), ProtocolError);  // the wrong frame
  CHECK_THROWS_AS(decode_status(Frame{Type::status, Writer().u32(1).u32(2).str(std::string("x")).take()}),
                  ProtocolError);
}

TEST_CASE("an error crosses the mux as what it was: exit code, message, hint, type", "[mux]") {
  const auto round_trip = [](const Error& error) { return decode_exit(frames_of(encode(error_report(error)), 3).at(0)); };
  const ExitReport lost = round_trip(ConnectError("the connection to lab was lost", "is it up?"));
  CHECK(lost.kind == ExitReport::Kind::error);
  CHECK(lost.status == 255);
  CHECK_THROWS_AS(throw_reported(lost), ConnectError);
  try {
    throw_reported(lost);
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "the connection to lab was lost");
    CHECK(e.hint() == "is it up?");
    CHECK(e.code() == 255);
  }
  CHECK_THROWS_AS(throw_reported(round_trip(ConfigError("a.toml:1:1: bad"))), UsageError);
  CHECK_THROWS_AS(throw_reported(round_trip(Failure("no socket"))), Failure);
  try {
    throw_reported(round_trip(ToolFailure(7, "tool said no")));
  } catch (const Error& e) {
    CHECK(e.code() == 7);
  }
}

TEST_CASE("a run's end is one exit code with or without the mux: status, 128+N, or the error", "[mux]") {
  CHECK(exit_code_of(channel_end(0, std::nullopt, "h"), "h") == 0);
  CHECK(exit_code_of(channel_end(7, std::string("TERM"), "h"), "h") == 7);  // a status wins
  CHECK(exit_code_of(channel_end(std::nullopt, std::string("TERM"), "h"), "h") == 143);
  CHECK(exit_code_of(channel_end(std::nullopt, std::string("KILL"), "h"), "h") == 137);
  // What crossed the mux ends the same way as what did not.
  const ExitReport crossed = decode_exit(frames_of(encode(channel_end(std::nullopt, std::string("INT"), "h")), 2).at(0));
  CHECK(exit_code_of(crossed, "h") == 130);
  try {
    exit_code_of(channel_end(std::nullopt, std::string("NOSUCH"), "h"), "h");
    FAIL("an unknown signal gave an exit code");
  } catch (const ConnectError& e) {
    CHECK(std::string(e.what()) == "the command on h died of an unknown signal 'NOSUCH'");
  }
  try {
    exit_code_of(channel_end(std::nullopt, std::nullopt, "user@h:22"), "h");
    FAIL("a channel with no status gave an exit code");
  } catch (const ConnectError& e) {
    CHECK(std::string(e.what()) == "the channel to user@h:22 closed without an exit status");
  }
  try {
    exit_code_of(error_report(UsageError("bad", "a hint")), "h");
    FAIL("an error report gave an exit code");
  } catch (const UsageError& e) {
    CHECK(e.code() == exit_code::usage);
    CHECK(e.hint() == "a hint");
  }
}

#include "core/mux/protocol.hpp"
#include "core/discovery.hpp"
#include "core/signals.hpp"

#include <fmt/format.h>

namespace lxhost::mux {
namespace {

bool known_type(char c) {
  switch (static_cast<Type>(c)) {
    case Type::hello: case Type::stop: case Type::stopped: case Type::status: case Type::run: case Type::in:
    case Type::in_eof: case Type::winch: case Type::signal: case Type::out: case Type::err: case Type::exit:
    case Type::forward: case Type::out_eof: case Type::follow: case Type::listing:
      return true;
  }
  return false;
}

void expect(const Frame& frame, Type type) {
  if (frame.type != type)
    throw ProtocolError(fmt::format("mux: expected a '{}' frame, got '{}'", static_cast<char>(type),
                                    static_cast<char>(frame.type)));
}

}  // namespace

std::string encode(Type type, std::string_view payload) {
  std::string frame;
  frame.reserve(5 + payload.size());
  frame += static_cast<char>(type);
  const auto n = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  frame.append(payload);
  return frame;
}

std::optional<Frame> Decoder::next() {
  const std::size_t available = buffer_.size() - start_;
  if (available < 5) return std::nullopt;
  const char type = buffer_[start_];
  if (!any_type_ && !known_type(type))
    throw ProtocolError(fmt::format("mux: unknown frame type 0x{:02x}", static_cast<unsigned char>(type)));
  std::uint32_t n = 0;
  for (std::size_t i = 1; i <= 4; ++i) n = (n << 8) | static_cast<unsigned char>(buffer_[start_ + i]);
  if (n > kMaxPayload) throw ProtocolError(fmt::format("mux: a frame of {} bytes is too large", n));
  if (available < 5 + std::size_t{n}) return std::nullopt;
  Frame frame{static_cast<Type>(type), buffer_.substr(start_ + 5, n)};
  start_ += 5 + n;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > std::size_t{64} * 1024) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return frame;
}

Writer& Writer::u16(std::uint16_t v) {
  out_ += static_cast<char>(v >> 8);
  out_ += static_cast<char>(v & 0xff);
  return *this;
}

Writer& Writer::u32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_ += static_cast<char>((v >> shift) & 0xff);
  return *this;
}

Writer& Writer::str(std::string_view s) {
  u32(static_cast<std::uint32_t>(s.size()));
  out_.append(s);
  return *this;
}

std::string_view Reader::take(std::size_t n) {
  if (in_.size() < n) throw ProtocolError("mux: a frame ends early");
  const std::string_view bytes = in_.substr(0, n);
  in_.remove_prefix(n);
  return bytes;
}

std::uint16_t Reader::u16() {
  const std::string_view b = take(2);
  return static_cast<std::uint16_t>((static_cast<unsigned char>(b[0]) << 8) | static_cast<unsigned char>(b[1]));
}

std::uint32_t Reader::u32() {
  std::uint32_t v = 0;
  for (char c : take(4)) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

std::string Reader::str() { return std::string(take(u32())); }

void Reader::end() const {
  if (!in_.empty()) throw ProtocolError("mux: a frame has bytes left over");
}

std::string encode_hello_request(std::uint32_t version) { return encode(Type::hello, Writer().u32(version).take()); }

std::string encode_hello_reply(const Hello& hello) {
  return encode(Type::hello, Writer().u32(hello.version).u32(hello.pid).take());
}

Hello decode_hello(const Frame& frame, bool reply) {
  expect(frame, Type::hello);
  Reader r(frame.payload);
  Hello hello;
  hello.version = r.u32();
  // Only the version is read from a request: it is all a client of any version must send.
  if (reply) hello.pid = r.u32();
  return hello;
}

std::string encode(const RunRequest& run) {
  return encode(Type::run,
                Writer().u16(run.pty ? 1 : 0).u16(run.cols).u16(run.rows).str(run.term).str(run.line).take());
}

RunRequest decode_run(const Frame& frame) {
  expect(frame, Type::run);
  Reader r(frame.payload);
  RunRequest run;
  run.pty = r.u16() != 0;
  run.cols = r.u16();
  run.rows = r.u16();
  run.term = r.str();
  run.line = r.str();
  r.end();
  return run;
}

std::string encode(const ForwardRequest& forward) {
  return encode(Type::forward, Writer().str(forward.address).u32(forward.port).str(forward.socket).take());
}

ForwardRequest decode_forward(const Frame& frame) {
  expect(frame, Type::forward);
  Reader r(frame.payload);
  ForwardRequest forward;
  forward.address = r.str();
  forward.port = r.u32();
  forward.socket = r.str();
  r.end();
  if (!forward.socket.empty()) {
    if (!forward.address.empty() || forward.port != 0)
      throw ProtocolError("mux: a forward names an address and a unix socket at once");
    if (!forward.socket.starts_with('/') || forward.socket.find('\0') != std::string::npos)
      throw ProtocolError("mux: a forward's unix socket is not an absolute path");
    return forward;
  }
  if (forward.port == 0 || forward.port > 65535) throw ProtocolError(fmt::format("mux: port {} out of range", forward.port));
  return forward;
}

std::string encode(const WindowChange& size) { return encode(Type::winch, Writer().u16(size.cols).u16(size.rows).take()); }

WindowChange decode_winch(const Frame& frame) {
  expect(frame, Type::winch);
  Reader r(frame.payload);
  WindowChange size;
  size.cols = r.u16();
  size.rows = r.u16();
  r.end();
  return size;
}

std::string encode(const SignalRequest& signal) {
  return encode(Type::signal, Writer().str(signal.name).str(signal.side_line).take());
}

SignalRequest decode_signal(const Frame& frame) {
  expect(frame, Type::signal);
  Reader r(frame.payload);
  SignalRequest signal;
  signal.name = r.str();
  signal.side_line = r.str();
  r.end();
  return signal;
}

std::string encode(const ExitReport& report) {
  return encode(Type::exit, Writer()
                                .u16(static_cast<std::uint16_t>(report.kind))
                                .u32(report.status)
                                .str(report.text)
                                .str(report.hint)
                                .take());
}

ExitReport decode_exit(const Frame& frame) {
  expect(frame, Type::exit);
  Reader r(frame.payload);
  ExitReport report;
  const std::uint16_t kind = r.u16();
  if (kind > 2) throw ProtocolError(fmt::format("mux: unknown exit kind {}", kind));
  report.kind = static_cast<ExitReport::Kind>(kind);
  report.status = r.u32();
  report.text = r.str();
  report.hint = r.str();
  r.end();
  return report;
}

ExitReport signal_report(std::string name) {
  ExitReport report;
  report.kind = ExitReport::Kind::signal;
  report.text = std::move(name);
  return report;
}

ExitReport error_report(const Error& error) {
  ExitReport report;
  report.kind = ExitReport::Kind::error;
  report.status = static_cast<std::uint32_t>(error.code());
  report.text = error.what();
  report.hint = error.hint();
  return report;
}

void throw_reported(const ExitReport& report) {
  switch (report.status) {
    case exit_code::connect:
      throw ConnectError(report.text, report.hint);
    case exit_code::failure:
      throw Failure(report.text, report.hint);
    case exit_code::usage:
      throw UsageError(report.text, report.hint);
    default:
      throw Error(static_cast<int>(report.status), report.text, report.hint);
  }
}

ExitReport channel_end(std::optional<int> exit_status, const std::optional<std::string>& exit_signal,
                       std::string_view display) {
  ExitReport report;
  if (exit_status) {
    report.status = static_cast<std::uint32_t>(*exit_status);
  } else if (exit_signal) {
    report = signal_report(*exit_signal);
  } else {
    report = error_report(ConnectError(fmt::format("the channel to {} closed without an exit status", display)));
  }
  return report;
}

int exit_code_of(const ExitReport& report, std::string_view display) {
  switch (report.kind) {
    case ExitReport::Kind::status:
      return static_cast<int>(report.status);
    case ExitReport::Kind::signal:
      if (auto number = signal_number(report.text)) return 128 + *number;
      throw ConnectError(fmt::format("the command on {} died of an unknown signal '{}'", display, printable(report.text)));
    case ExitReport::Kind::error:
      break;
  }
  throw_reported(report);
}

std::string encode(const StatusReply& status) {
  return encode(Type::status, Writer()
                                  .u32(status.version)
                                  .u32(status.pid)
                                  .str(status.host)
                                  .u32(status.uptime_s)
                                  .u32(status.channels)
                                  .u32(status.clients)
                                  .u32(status.queued)
                                  .take());
}

StatusReply decode_status(const Frame& frame) {
  expect(frame, Type::status);
  Reader r(frame.payload);
  StatusReply status;
  status.version = r.u32();
  status.pid = r.u32();
  status.host = r.str();
  status.uptime_s = r.u32();
  status.channels = r.u32();
  status.clients = r.u32();
  status.queued = r.u32();
  r.end();
  return status;
}

}  // namespace lxhost::mux

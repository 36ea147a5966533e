// The mux wire protocol between an lxhost client and its host's master, over a Unix socket.
// A frame is one type byte, a 4-byte big-endian payload length, and the payload. The first frame
// each way is `hello` (and `stop` may be sent instead of anything else); their layout never
// changes, so a client and a master of different versions always understand that much: the
// client then replaces the master. A client sends its request right behind its hello, without
// waiting for the answer (a command costs one round trip to the master, not two); a master whose
// version is not the client's answers the hello and ignores every frame after it but `stop`, so
// it never acts on a request it may read differently. Pure: no I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace lxhost::mux {

// 4: `follow` and `listing` (a client that follows the host's containers: lxhost publish).
// 5: a ForwardRequest may name a unix socket on the host (LXD's API) instead of an address.
constexpr std::uint32_t kProtocolVersion = 5;
constexpr std::size_t kMaxPayload = std::size_t{16} * 1024 * 1024;

enum class Type : char {
  hello = 'H',    // client: u32 version. master: u32 version, u32 pid.      (fixed forever)
  stop = 'Q',     // client: end the master (it answers `stopped`).          (fixed forever)
  stopped = 'q',  // master: it is ending.
  status = 'S',   // client: what are you? master: a StatusReply.
  // A request's letter is new in version 3 (it was R and F): masters of version 2 and before
  // drop a client that sends a type they do not know, rather than run a request that comes
  // before they could refuse it.
  run = 'r',      // client: a RunRequest; the master answers with out/err frames, then `exit`.
  forward = 'f',  // client: a ForwardRequest (a direct-tcpip or direct-streamlocal channel): out
                  // frames, out_eof, `exit`.
  follow = 'w',   // client: send me the host's container listings (no payload): `listing` frames
                  // until the client goes; `exit` (an error) when the master does not watch or stops.
  in = 'I',       // client: stdin bytes.
  in_eof = 'i',   // client: stdin ended.
  winch = 'W',    // client: u16 cols, u16 rows (the terminal was resized).
  signal = 'K',   // client: a SignalRequest (lxhost was interrupted).
  out = 'O',      // master: the command's stdout bytes.
  err = 'E',      // master: the command's stderr bytes.
  out_eof = 'o',  // master: the far end of a forward sent EOF.
  exit = 'X',     // master: an ExitReport; the last frame of a run.
  listing = 'L',  // master: the host's containers, as `lxc-ls -f -F NAME,STATE,IPV4,IPV6` printed them.
};

// A peer that does not speak this protocol. Exit 255, as a lost connection.
struct ProtocolError : ConnectError {
  explicit ProtocolError(const std::string& message) : ConnectError(message) {}
};

struct Frame {
  Type type;
  std::string payload;
};

std::string encode(Type type, std::string_view payload = {});

// Cuts a byte stream into frames. Throws ProtocolError for an unknown type or a payload over
// kMaxPayload (a peer that speaks something else). After any_type(), frames of types this version
// does not know are returned too (a peer of another version, whose frames are skipped).
class Decoder {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  void any_type() { any_type_ = true; }
  std::optional<Frame> next();
  bool empty() const { return buffer_.empty(); }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
  bool any_type_ = false;
};

// Payload fields: integers big-endian, strings as a u32 length and the bytes.
class Writer {
 public:
  Writer& u16(std::uint16_t v);
  Writer& u32(std::uint32_t v);
  Writer& str(std::string_view s);
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view payload) : in_(payload) {}
  std::uint16_t u16();
  std::uint32_t u32();
  std::string str();
  void end() const;  // throws when bytes are left over

 private:
  std::string_view take(std::size_t n);
  std::string_view in_;
};

struct Hello {
  std::uint32_t version = kProtocolVersion;
  std::uint32_t pid = 0;  // master only
};
std::string encode_hello_request(std::uint32_t version);
std::string encode_hello_reply(const Hello& hello);
Hello decode_hello(const Frame& frame, bool reply);

struct RunRequest {
  std::string line;
  bool pty = false;
  std::string term;
  std::uint16_t cols = 80, rows = 24;
};
std::string encode(const RunRequest& run);
RunRequest decode_run(const Frame& frame);

// ADDRESS:PORT as the container host reaches it, or, with `socket` set, a unix socket on the host
// (then address and port are empty and 0).
struct ForwardRequest {
  std::string address;
  std::uint32_t port = 22;
  std::string socket;
};
std::string encode(const ForwardRequest& forward);
ForwardRequest decode_forward(const Frame& frame);

struct WindowChange {
  std::uint16_t cols = 80, rows = 24;
};
std::string encode(const WindowChange& size);
WindowChange decode_winch(const Frame& frame);

struct SignalRequest {
  std::string name;       // as SSH names it: "INT"
  std::string side_line;  // a line to run on a second channel, or empty (see RemoteCommand)
};
std::string encode(const SignalRequest& signal);
SignalRequest decode_signal(const Frame& frame);

// How a run ended, or why a master could not start: an error crosses the mux typed (lxhost's exit
// code, message, hint), so the client fails as it would have without the mux.
struct ExitReport {
  enum class Kind : std::uint16_t { status = 0, signal = 1, error = 2 };
  Kind kind = Kind::status;
  std::uint32_t status = 0;  // Kind::status: the command's; Kind::error: lxhost's exit code
  std::string text;          // Kind::signal: its name ("TERM"); Kind::error: the message
  std::string hint;          // Kind::error: the hint line, if any
};
std::string encode(const ExitReport& report);
ExitReport decode_exit(const Frame& frame);
ExitReport signal_report(std::string name);
ExitReport error_report(const Error& error);
// The error a Kind::error report stands for, of the type its code means (ConnectError for 255,
// Failure for 1, UsageError for 2, else Error).
[[noreturn]] void throw_reported(const ExitReport& report);
// How a closed exec channel ended, as SSH said it: its exit status, else the signal it died of,
// else an error (the channel to DISPLAY closed without either).
ExitReport channel_end(std::optional<int> exit_status, const std::optional<std::string>& exit_signal,
                       std::string_view display);
// What lxhost exits with for a run that ended so: the status; 128+N for signal N; else the
// report's error is thrown (a signal SSH names but this system does not: ConnectError).
// The direct transport and the mux client both end here, so a run exits alike either way.
int exit_code_of(const ExitReport& report, std::string_view display);

struct StatusReply {
  std::uint32_t version = kProtocolVersion;
  std::uint32_t pid = 0;
  std::string host;  // "NAME (USER@ADDRESS:PORT)"
  std::uint32_t uptime_s = 0;
  std::uint32_t channels = 0;  // open SSH channels
  std::uint32_t clients = 0;   // connected lxhost invocations
  std::uint32_t queued = 0;    // commands waiting for a channel (MaxSessions)
};
std::string encode(const StatusReply& status);
StatusReply decode_status(const Frame& frame);

}  // namespace lxhost::mux

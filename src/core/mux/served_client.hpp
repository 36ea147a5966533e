// One client as the mux master serves it, apart from I/O: the frames it sent and what they ask
// of its channel. Each event (bytes from the client, the channel opening, its window growing) is
// acted on in the call that reports it, whatever order the frames came in and however the
// bytes were split: nothing waits for the master's loop to wake up again. Pure: the channel is
// a ChannelPort (libssh in the master, a recorder in the unit tests).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mux/protocol.hpp"

namespace lxhost::mux {

// What the master does to a client's open channel.
class ChannelPort {
 public:
  virtual ~ChannelPort() = default;
  virtual std::size_t window() = 0;                   // bytes the channel takes now
  virtual std::size_t write(std::string_view bytes) = 0;  // how many it took
  virtual void send_eof() = 0;
  virtual void change_size(const WindowChange& size) = 0;  // only for a run with a terminal
  virtual void signal(const SignalRequest& signal) = 0;
};

// What a frame asks of the master itself (not of the client's channel).
enum class Ask { stop, status, run, forward, follow };

class ServedClient {
 public:
  explicit ServedClient(std::uint32_t version, std::uint32_t pid) : version_(version), pid_(pid) {}

  // Takes bytes read from the client and handles every whole frame: a reply is added to
  // replies(), a frame for the channel acts on it now when it is open, and what the master
  // must do is returned, in order. Throws ProtocolError for a client that breaks the protocol.
  std::vector<Ask> feed(std::string_view bytes);

  // The channel for the run or forward is open: stdin, EOF and signals that came first go to it now.
  void opened(ChannelPort& port);
  // The channel is gone (closed or refused): nothing more goes to it.
  void closed() { port_ = nullptr; }
  // Passes stdin on as far as the channel's window allows, then EOF once stdin has ended.
  void pump();

  std::string& replies() { return replies_; }
  const std::optional<RunRequest>& run() const { return run_; }
  const std::optional<ForwardRequest>& forward() const { return forward_; }
  // The client follows the host's containers (it has no channel).
  bool follows() const { return follows_; }
  // A signal that came before the channel opened: the command is not started (it was interrupted).
  const std::optional<std::string>& cancelled() const { return cancelled_; }
  std::size_t pending_input() const { return input_.size(); }

 private:
  void handle(const Frame& frame, std::vector<Ask>& asks);

  std::uint32_t version_;
  std::uint32_t pid_;
  Decoder decoder_;
  std::string replies_;
  bool greeted_ = false;
  bool foreign_ = false;  // the client's hello named another version: only `stop` counts
  std::optional<RunRequest> run_;
  std::optional<ForwardRequest> forward_;
  bool follows_ = false;
  std::optional<std::string> cancelled_;
  ChannelPort* port_ = nullptr;
  std::string input_;  // stdin not yet taken by the channel
  bool input_eof_ = false;
  bool eof_sent_ = false;
};

}  // namespace lxhost::mux

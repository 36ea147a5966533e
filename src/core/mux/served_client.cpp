#include "core/mux/served_client.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace lxhost::mux {

std::vector<Ask> ServedClient::feed(std::string_view bytes) {
  decoder_.feed(bytes);
  std::vector<Ask> asks;
  while (auto frame = decoder_.next()) handle(*frame, asks);
  pump();  // stdin and EOF from this read go on now, not at the loop's next wake-up
  return asks;
}

void ServedClient::handle(const Frame& frame, std::vector<Ask>& asks) {
  if (frame.type == Type::stop) {
    asks.push_back(Ask::stop);
    return;
  }
  if (!greeted_) {
    if (frame.type != Type::hello) throw ProtocolError("mux: no hello");
    // A client of another version reads the answer and sends `stop`; whatever it sent behind its
    // hello (a request in its own layout) is not for this master.
    foreign_ = decode_hello(frame, false).version != version_;
    if (foreign_) decoder_.any_type();
    replies_ += encode_hello_reply(Hello{version_, pid_});
    greeted_ = true;
    return;
  }
  if (foreign_) return;
  switch (frame.type) {
    case Type::status:
      asks.push_back(Ask::status);
      return;
    case Type::follow:
      if (run_ || forward_ || follows_) throw ProtocolError("mux: a second request");
      follows_ = true;
      asks.push_back(Ask::follow);
      return;
    case Type::run:
    case Type::forward:
      if (run_ || forward_ || follows_) throw ProtocolError("mux: a second run");
      if (frame.type == Type::run) {
        run_ = decode_run(frame);
        asks.push_back(Ask::run);
      } else {
        forward_ = decode_forward(frame);
        asks.push_back(Ask::forward);
      }
      return;
    case Type::in:
      input_ += frame.payload;
      return;
    case Type::in_eof:
      input_eof_ = true;
      return;
    case Type::winch: {
      const WindowChange size = decode_winch(frame);
      if (!run_ || !run_->pty) return;
      if (port_) {
        port_->change_size(size);
      } else {  // not open yet: the terminal opens at the new size
        run_->cols = size.cols;
        run_->rows = size.rows;
      }
      return;
    }
    case Type::signal: {
      const SignalRequest signal = decode_signal(frame);
      if (port_) port_->signal(signal);
      else if (run_ && !cancelled_) cancelled_ = signal.name;
      return;
    }
    default:
      throw ProtocolError(fmt::format("mux: unexpected frame '{}'", static_cast<char>(frame.type)));
  }
}

void ServedClient::opened(ChannelPort& port) {
  port_ = &port;
  pump();
}

void ServedClient::pump() {
  if (!port_ || eof_sent_) return;
  while (!input_.empty()) {
    const std::size_t room = port_->window();
    if (room == 0) break;  // the window's growth calls pump() again
    const std::size_t n = port_->write(std::string_view(input_).substr(0, std::min(input_.size(), room)));
    if (n == 0) break;
    input_.erase(0, n);
  }
  if (input_.empty() && input_eof_) {
    port_->send_eof();
    eof_sent_ = true;
  }
}

}  // namespace lxhost::mux

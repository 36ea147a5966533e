// What the two Publishers (core/publish.hpp) share: avahi_publisher.cpp and dnssd_publisher.cpp
// each run a loop on a thread of its own, which makes every call to the daemon's library. The
// Publisher only hands over what it wants (Inbox) and waits for it within bounds
// (ThreadedPublisher); the loop reports through the caller's notify (NoteTeller).
#pragma once

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "call_within.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/publish.hpp"
#include "fd_util.hpp"

namespace lxhost::mdns {

// The destructor stops the thread within this, which is long past what a daemon that answers
// takes (a few ms per name left). Past it the thread is left to finish on its own (it is waiting
// in a call to a daemon that hangs: Avahi's D-Bus ends such a call after 25 s).
constexpr auto kStopBound = std::chrono::milliseconds(1000);

// What set() and withdraw_all() hand over: taken by the thread at its next step. They only take
// a mutex of ours and wake the thread through a pipe, so they return at once even while the
// thread waits in a call to a daemon that hangs.
class Inbox {
 public:
  // Any thread.
  void set(std::vector<PublishedName> names) {
    {
      std::lock_guard lock(mutex_);
      wanted_ = std::move(names);
    }
    wake_.wake();
  }
  // True once the thread has withdrawn everything, false when `bound` ran out first.
  bool withdraw_all(std::chrono::milliseconds bound) {
    std::unique_lock lock(mutex_);
    withdraw_wanted_ = true;
    wake_.wake();
    return withdrawn_cv_.wait_for(lock, bound, [this] { return withdrawn_; });
  }
  // For a loop that runs a thread of its own (dns_sd's; Avahi's poll has its own stop): it ends
  // at its next look at quitting().
  void quit() {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    wake_.wake();
  }

  // The thread's.
  int wake_fd() const { return wake_.fd(); }  // readable when there is something to take
  void drain() const { wake_.drain(); }
  struct Taken {
    std::optional<std::vector<PublishedName>> names;  // set() was called since the last take
    bool withdraw = false;                             // withdraw_all() was, and has yet to be done
  };
  Taken take() {
    Taken taken;
    std::lock_guard lock(mutex_);
    taken.names.swap(wanted_);
    taken.withdraw = withdraw_wanted_ && !withdrawn_;
    return taken;
  }
  // Only the thread writes it: it reads it without the lock.
  bool withdrawn() const { return withdrawn_; }
  // Nothing is published any more: withdraw_all() returns.
  void mark_withdrawn() {
    std::lock_guard lock(mutex_);
    withdrawn_ = true;
    withdrawn_cv_.notify_all();
  }
  bool quitting() {
    std::lock_guard lock(mutex_);
    return quit_;
  }

 private:
  WakePipe wake_{"mDNS: cannot make a pipe"};
  std::mutex mutex_;
  std::condition_variable withdrawn_cv_;
  std::optional<std::vector<PublishedName>> wanted_;
  bool withdraw_wanted_ = false;
  bool withdrawn_ = false;  // the thread has withdrawn everything: nothing is published any more
  bool quit_ = false;
};

// The caller's notify, called from the thread, never once close() has returned.
class NoteTeller {
 public:
  NoteTeller(const Log& log, PublishNotify notify) : log_(log), notify_(std::move(notify)) {}

  // Any thread: from its return on, notify is never called.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }

  // The thread's.
  void tell(const PublishNote& note) {
    std::lock_guard lock(mutex_);
    if (closed_ || !notify_) return;
    try {
      notify_(note);
    } catch (const std::exception& e) {  // the caller's, but never into the library's C frames
      log_.warn("mDNS: publishing: a note's handler failed: {}", e.what());
    }
  }
  // A name's note, once per change: `name.told` is the last one told.
  template <class Name>
  void tell(Name& name, PublishNote::Kind kind, std::string detail = {}) {
    if (name.told == kind) return;
    name.told = kind;
    tell(PublishNote{kind, name.entry.name, std::move(detail)});
  }
  // Once per time the daemon is away; the names are told again (published) once it is back.
  template <class Names>
  void tell_waiting(Names& names, const std::string& why) {
    if (waiting_told_) return;
    waiting_told_ = true;
    for (auto& [key, name] : names) {
      if (name->told == PublishNote::Kind::published) name->told.reset();
    }
    tell(PublishNote{PublishNote::Kind::waiting, "", why});
  }
  void daemon_back() { waiting_told_ = false; }

 private:
  const Log log_;
  std::mutex mutex_;  // held while notify runs, so that close() waits for it
  PublishNotify notify_;
  bool closed_ = false;
  bool waiting_told_ = false;  // the thread's: "waiting" was told since the daemon was last back
};

// The Publisher over a Loop, which runs the thread: Loop(log, notify), its inbox() and notes(),
// stop() (stops the thread, then frees everything; may hang with the daemon), and the names for
// its lines: Loop::kDaemon ("the Avahi daemon"), Loop::kThread ("Avahi").
template <class Loop>
class ThreadedPublisher final : public Publisher {
 public:
  ThreadedPublisher(const Log& log, PublishNotify notify)
      : log_(log), loop_(std::make_shared<Loop>(log, std::move(notify))) {}

  ~ThreadedPublisher() override {
    loop_->notes().close();
    // Stopping joins the thread, which may be waiting in a call to a daemon that hangs (a D-Bus
    // call, with Avahi): bounded, and past the bound the loop is left to the thread that goes on
    // stopping it. Not waited for at all when withdraw_all() already found the daemon hung.
    const auto bound = hung_ ? std::chrono::milliseconds(0) : kStopBound;
    if (!call_within(bound, [loop = loop_] {
          loop->stop();
          return true;
        })) {
      log_.debug("mdns: publish: the {} thread did not stop within {} ms; left to end by itself", Loop::kThread,
                 bound.count());
    }
  }
  ThreadedPublisher(const ThreadedPublisher&) = delete;
  ThreadedPublisher& operator=(const ThreadedPublisher&) = delete;

  void set(std::vector<PublishedName> names) override { loop_->inbox().set(std::move(names)); }

  void withdraw_all(std::chrono::milliseconds bound) override {
    if (!loop_->inbox().withdraw_all(bound)) {
      hung_ = true;
      log_.warn("mDNS: {} did not answer within {} ms; the published names stay until it withdraws them",
                Loop::kDaemon, bound.count());
    }
  }

 private:
  Log log_;
  // Shared with the thread that goes on stopping it when stopping takes longer than the bound.
  std::shared_ptr<Loop> loop_;
  bool hung_ = false;  // withdraw_all() ran out of time: the thread is stuck in a call to the daemon
};

}  // namespace lxhost::mdns

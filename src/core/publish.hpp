// `lxhost publish`: a `NAME.local` for every running container of the watched hosts, published
// through the laptop's own mDNS responder. The names to publish follow from the hosts' listings
// (pure, below); the Publisher keeps the responder's records equal to them (Avahi entry groups on
// Linux, DNSServiceRegisterRecord on macOS: src/discovery/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.hpp"

namespace lxhost {

// One name lxhost publishes: its A and AAAA records.
struct PublishedName {
  std::string name;                    // "web.local", as the template made it
  std::vector<std::string> addresses;  // textual, IPv4 before IPv6, at least one
  std::string host;                    // the configured host whose container it is ("lab")
  std::string container;               // the container's name on that host ("web")

  bool operator==(const PublishedName&) const = default;
};

// What the responder did with one name, told from the publisher's own thread, once per change
// (a name published again after a daemon restart or with new addresses is told published again).
// The notify function must not call withdraw_all(), which waits for that thread; set() it may.
struct PublishNote {
  enum class Kind {
    published,  // the records are established (probed, announced)
    taken,      // someone else announces the name: lxhost does not publish it (detail: who answered)
    conflict,   // the responder reported a conflict for records lxhost had: withdrawn
    failed,     // the responder refused the records (detail says why)
    withdrawn,  // the name was dropped from the set (the container stopped or went), or
                // withdraw_all() ran; told for every name dropped, whatever was told before
    waiting,    // name "": the responder is not running; the records come back when it does
  };
  Kind kind;
  std::string name;    // "" for waiting
  std::string detail;  // a reason, for failed, waiting and taken
};
using PublishNotify = std::function<void(const PublishNote& note)>;

// Keeps the responder's records equal to the names it was last given. Every call returns at once;
// the responder's work (checking that nobody else announces a name, probing, announcing, goodbye
// packets) is done on the publisher's own thread, which reports through PublishNotify. A name
// nobody else announces is published; a name someone else announces (a container with its own
// avahi-daemon, another machine, another process on this one) is never published over or renamed
// ("NAME-2.local"): PublishNote::Kind::taken. When the responder goes away (a daemon restart),
// its records are published again once it is back, each checked again first.
// What the check cannot see: a responder that starts announcing the name after lxhost published
// it loses to lxhost (a container's avahi-daemon that starts late renames itself "NAME-2.local");
// and two publishers on one machine that check the same name at the same moment both publish it
// (Avahi has no conflict between its own clients' address records; one started later notes it
// taken).
class Publisher {
 public:
  virtual ~Publisher() = default;
  // From now on, exactly these names (one entry per name). New names are checked and published;
  // a name whose addresses changed is republished at once, not checked again (it has been ours on
  // the network all along); names no longer given are withdrawn (goodbye packets). A name found
  // taken, in conflict or refused is not tried again until its entry changes or it is given again
  // after being left out.
  virtual void set(std::vector<PublishedName> names) = 0;
  // Withdraws every record (goodbye packets) and returns once the responder has them, or after
  // `bound` (a daemon that hangs). Nothing is published after it. The destructor does the same
  // when it was not called, and stops the thread within a bound of its own; no note comes once
  // the destructor has begun.
  virtual void withdraw_all(std::chrono::milliseconds bound) = 0;
};

// `backend`: "avahi" (Linux) or "dnssd". Throws MdnsUnavailable when the backend's library cannot
// be loaded or cannot publish records (Avahi's Bonjour compatibility library cannot); the daemon
// not running is not an error: the records wait for it (PublishNote::Kind::waiting).
std::unique_ptr<Publisher> make_publisher(std::string_view backend, const Log& log, PublishNotify notify);

}  // namespace lxhost

// What the Avahi backend's calls share: owning handles, one AvahiSimplePoll + client with the
// reconnect rule, and the collector of a host's addresses. Linux only.
#pragma once

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/address.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/discovery.hpp"
#include "core/lookup_wait.hpp"
#include "discovery/backend_util.hpp"

namespace lxhost::mdns {

// Every Avahi handle is owned by one of these. Lookups live in the session's subclass, the
// client and the poll in the session itself, so they are destroyed lookups -> client -> poll
// (avahi_client_free also frees the lookups it still has: ours must be gone by then).
template <auto Free>
struct AvahiFree {
  template <class Handle>
  void operator()(Handle* handle) const {
    Free(handle);
  }
};
using PollPtr = std::unique_ptr<AvahiSimplePoll, AvahiFree<avahi_simple_poll_free>>;
using ClientPtr = std::unique_ptr<AvahiClient, AvahiFree<avahi_client_free>>;
using ServiceBrowserPtr =
    std::unique_ptr<AvahiServiceBrowser, AvahiFree<avahi_service_browser_free>>;
using ServiceResolverPtr =
    std::unique_ptr<AvahiServiceResolver, AvahiFree<avahi_service_resolver_free>>;
using HostNameResolverPtr =
    std::unique_ptr<AvahiHostNameResolver, AvahiFree<avahi_host_name_resolver_free>>;
using RecordBrowserPtr = std::unique_ptr<AvahiRecordBrowser, AvahiFree<avahi_record_browser_free>>;

inline unsigned interface_index(AvahiIfIndex interface) {
  return interface < 0 ? 0u : static_cast<unsigned>(interface);
}
std::string address_text(const AvahiAddress& address, AvahiIfIndex interface);
std::string avahi_error(int error);
// The TXT strings in the order they were sent.
std::vector<std::string> txt_strings(AvahiStringList* txt);

// Every A / AAAA record of one host name, as record browsers report them (a host name resolver
// gives one address only, and `web.local` has two). Settled once each browser went through the
// daemon's cache, at least one address is known, none came for kAnswerSettle, and the families
// asked for had their wait (families_done, core/lookup_wait.hpp; ALL_FOR_NOW gives a family up).
// When every address came from the daemon's cache, none is still on its way once the cache has
// been read: then there is no kAnswerSettle to wait.
class AddressCollector {
 public:
  AddressCollector(AvahiClient* client, const std::string& host, AvahiIfIndex interface,
                   IpFamily family, const Log& log);
  AddressCollector(const AddressCollector&) = delete;
  AddressCollector& operator=(const AddressCollector&) = delete;

  // An address; `cached`: the daemon gave it from its cache, before saying the cache was read
  // (answers from elsewhere, a host name resolver, are not).
  void add(std::string address, bool cached = false);
  bool has_answer() const { return !addresses_.empty(); }
  bool settled(Clock::time_point now) const;
  Clock::time_point settles_at() const;  // when settled() may turn true without a new event
  const std::vector<std::string>& addresses() const { return addresses_; }

 private:
  struct Browser {
    AddressCollector* owner = nullptr;
    uint16_t type = 0;
    RecordBrowserPtr handle;
    bool cache_read = false;   // CACHE_EXHAUSTED seen (or ALL_FOR_NOW, FAILURE)
    bool all_for_now = false;  // ALL_FOR_NOW or FAILURE: nothing more to wait for
  };

  FamilyAnswers heard() const;
  void open(AvahiClient* client, AvahiIfIndex interface, uint16_t type);
  static void on_record(AvahiRecordBrowser*, AvahiIfIndex interface, AvahiProtocol,
                        AvahiBrowserEvent event, const char*, uint16_t clazz, uint16_t type,
                        const void* rdata, size_t size, AvahiLookupResultFlags, void* userdata);

  const Log& log_;
  const std::string host_;
  const IpFamily family_;
  const Clock::time_point started_;
  std::vector<std::unique_ptr<Browser>> browsers_;
  std::vector<std::string> addresses_;
  bool ipv4_answered_ = false;
  bool ipv6_answered_ = false;
  bool only_cached_ = true;  // every address so far came from the daemon's cache
  Clock::time_point last_answer_{};
};

// One poll and one client on it, with the reconnect rule every call shares: when the client
// fails (a daemon restart: AVAHI_CLIENT_FAILURE, AVAHI_ERR_DISCONNECTED), the lookups and the
// client are freed, a new client is made with AVAHI_CLIENT_NO_FAIL (it waits in CONNECTING for
// the daemon), and the lookups start again once it is S_RUNNING, within the same deadline.
class AvahiSession {
 public:
  AvahiSession(const AvahiSession&) = delete;
  AvahiSession& operator=(const AvahiSession&) = delete;

 protected:
  explicit AvahiSession(const Log& log);
  ~AvahiSession() = default;

  // Connects (throws MdnsUnavailable when the daemon is not running), then runs the poll until
  // finished() or the deadline, whichever comes first.
  void run_until(Clock::time_point deadline);

  // Make the lookups (the client is S_RUNNING), free them all (before the client goes), move
  // the per-lookup deadlines and states on, say when the call is done and when to look again.
  virtual void start_lookups(AvahiClient* client) = 0;
  virtual void stop_lookups() = 0;
  virtual void advance(Clock::time_point now) = 0;
  virtual bool finished(Clock::time_point now) const = 0;
  virtual Clock::time_point next_wakeup() const = 0;

  const Log& log_;

 private:
  void connect();
  void reconnect(Clock::time_point now);
  static void on_client_state(AvahiClient* client, AvahiClientState state, void* userdata);

  PollPtr poll_;
  ClientPtr client_;
  bool running_ = false;      // lookups exist on the current client
  bool lost_ = false;         // the client failed: replace it (after this poll round)
  bool reconnected_ = false;  // for the debug log
  Clock::time_point retry_at_{};
};

}  // namespace lxhost::mdns

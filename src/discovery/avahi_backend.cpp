// The Avahi backend (Linux): Avahi's client library over D-Bus, driven by an AvahiSimplePoll
// that only ever waits until our own next deadline. Each call opens its own client, so a call
// never inherits a connection that a daemon restart broke; all state travels through userdata.
// One file for the one library: browse, resolve and reverse each a class on the same session
// (avahi_session.*); what both backends share is in service_list.cpp and backend_util.hpp.
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/address.h>
#include <avahi-common/defs.h>
#include <net/if.h>

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/discovery.hpp"
#include "core/lookup_wait.hpp"
#include "discovery/avahi_session.hpp"
#include "discovery/backend_util.hpp"
#include "discovery/dnssd_platform.hpp"

namespace lxhost {

std::unique_ptr<Discovery> make_avahi_discovery(const Log& log);

namespace {

using mdns::AddressCollector;
using mdns::avahi_error;
using mdns::AvahiSession;
using mdns::Clock;
using mdns::elapsed_ms;
using mdns::HostNameResolverPtr;
using mdns::RecordBrowserPtr;
using mdns::interface_index;
using mdns::ServiceBrowserPtr;
using mdns::ServiceResolverPtr;
using mdns::txt_strings;

// browse(): one service browser per type (all interfaces, both protocols); per instance and
// interface, one resolver for SRV and TXT only (AVAHI_LOOKUP_NO_ADDRESS), then record browsers
// for the host's A (and AAAA) records, all within the instance's own bound. Measured: a resolver
// that also wants the address picks the protocol of the first SRV answer and then waits for the
// address over that protocol only, so with the daemons' default publish-a-on-ipv6=no an IPv4
// address asked over IPv6 never comes (the resolve runs into its bound), whichever protocol the
// resolver was given. Addresses from record browsers over both protocols have no such trap, and
// are every address of the host (web.local has two), as the dns_sd backend reports them.
class AvahiBrowse final : public AvahiSession {
 public:
  AvahiBrowse(const Log& log, const BrowseRequest& request)
      : AvahiSession(log), request_(request), started_(Clock::now()) {}
  ~AvahiBrowse() { stop_lookups(); }
  AvahiBrowse(const AvahiBrowse&) = delete;
  AvahiBrowse& operator=(const AvahiBrowse&) = delete;

  std::vector<ServiceInstance> run() {
    run_until(started_ + request_.timeout);
    for (auto& sighting : sightings_) {
      if (sighting->stage == Stage::resolving || sighting->stage == Stage::collecting) {
        finish(*sighting);  // the browse's own deadline came first: keep what arrived
      }
    }
    std::vector<ServiceInstance> seen;
    for (auto& sighting : sightings_) {
      if (sighting->removed) continue;
      if (!sighting->instance.resolved) {
        log_.debug("mdns: {} {}: not resolved", printable(sighting->instance.name),
                   printable(sighting->instance.type));
      }
      seen.push_back(sighting->instance);
    }
    auto instances = finish_browse(std::move(seen));
    log_.debug("mdns: browse found {} instance(s) in {} ms", instances.size(),
               elapsed_ms(started_));
    return instances;
  }

 private:
  struct Browser {
    AvahiBrowse* owner = nullptr;
    std::string type;
    ServiceBrowserPtr handle;
    bool all_for_now = false;
  };
  enum class Stage { waiting, resolving, collecting, done };
  // One instance as seen on one interface, over IPv4, IPv6 or both.
  struct Sighting {
    AvahiBrowse* owner = nullptr;
    AvahiIfIndex interface = AVAHI_IF_UNSPEC;
    bool over_ipv4 = false;
    bool over_ipv6 = false;
    ServiceInstance instance;
    Stage stage = Stage::waiting;
    Clock::time_point found{};
    Clock::time_point deadline{};
    bool resolver_done = false;
    bool removed = false;
    ServiceResolverPtr resolver;
    std::unique_ptr<AddressCollector> collector;
  };

  void start_lookups(AvahiClient* client) override {
    for (const std::string& type : request_.types) {
      auto browser = std::make_unique<Browser>();
      browser->owner = this;
      browser->type = type;
      browser->handle.reset(avahi_service_browser_new(
          client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, type.c_str(), nullptr,
          static_cast<AvahiLookupFlags>(0), on_browse, browser.get()));
      if (!browser->handle) {
        log_.warn("mDNS: cannot browse {}: {}", printable(type),
                  avahi_error(avahi_client_errno(client)));
        continue;
      }
      browsers_.push_back(std::move(browser));
    }
  }

  void stop_lookups() override {
    for (auto& sighting : sightings_) {
      if (sighting->stage != Stage::resolving && sighting->stage != Stage::collecting) continue;
      const bool has_address = sighting->collector && sighting->collector->has_answer();
      finish(*sighting);
      // Without an address yet, its resolve starts again, with a fresh bound, when the new
      // browser reports it.
      if (!has_address) sighting->stage = Stage::waiting;
    }
    browsers_.clear();
  }

  void advance(Clock::time_point now) override {
    for (auto& sighting : sightings_) {
      if (sighting->stage == Stage::resolving && sighting->resolver_done) {
        sighting->resolver.reset();
        sighting->stage = sighting->collector ? Stage::collecting : Stage::done;
      }
      if (sighting->stage == Stage::collecting && sighting->collector->settled(now)) {
        finish(*sighting);
      }
      const bool pending =
          sighting->stage == Stage::resolving || sighting->stage == Stage::collecting;
      if (pending && now >= sighting->deadline) {
        log_.debug("mdns: resolving {} on {} timed out after {} ms",
                   printable(sighting->instance.name), sighting->instance.interface,
                   elapsed_ms(sighting->found));
        finish(*sighting);
      }
    }
  }

  void finish(Sighting& sighting) {
    if (sighting.collector) {
      for (const auto& address : sighting.collector->addresses()) {
        sighting.instance.addresses.push_back(address);
      }
    }
    sighting.collector.reset();
    sighting.resolver.reset();
    sighting.stage = Stage::done;
  }

  bool finished(Clock::time_point) const override {
    const bool all_for_now = std::all_of(browsers_.begin(), browsers_.end(),
                                         [](const auto& browser) { return browser->all_for_now; });
    const bool resolving = std::any_of(sightings_.begin(), sightings_.end(), [](const auto& s) {
      return s->stage == Stage::resolving || s->stage == Stage::collecting;
    });
    return all_for_now && !resolving;
  }

  Clock::time_point next_wakeup() const override {
    auto next = Clock::time_point::max();
    for (const auto& sighting : sightings_) {
      if (sighting->stage == Stage::resolving) next = std::min(next, sighting->deadline);
      if (sighting->stage == Stage::collecting) {
        next = std::min({next, sighting->deadline, sighting->collector->settles_at()});
      }
    }
    return next;
  }

  static void on_browse(AvahiServiceBrowser* handle, AvahiIfIndex interface, AvahiProtocol protocol,
                        AvahiBrowserEvent event, const char* name, const char* type,
                        const char* domain, AvahiLookupResultFlags, void* userdata) {
    auto* browser = static_cast<Browser*>(userdata);
    AvahiBrowse& self = *browser->owner;
    switch (event) {
      case AVAHI_BROWSER_NEW:
        self.found(avahi_service_browser_get_client(handle), interface, protocol, name, type,
                   domain);
        break;
      case AVAHI_BROWSER_REMOVE:
        if (Sighting* sighting = self.find_sighting(interface, name, type, domain)) {
          (protocol == AVAHI_PROTO_INET6 ? sighting->over_ipv6 : sighting->over_ipv4) = false;
          if (!sighting->over_ipv4 && !sighting->over_ipv6) {  // gone over both: a goodbye
            sighting->removed = true;
            sighting->collector.reset();
            sighting->resolver.reset();
            sighting->stage = Stage::done;
          }
        }
        break;
      case AVAHI_BROWSER_ALL_FOR_NOW:
        if (!browser->all_for_now) {
          self.log_.debug("mdns: browse {}: all for now after {} ms", printable(browser->type),
                          elapsed_ms(self.started_));
        }
        browser->all_for_now = true;
        break;
      case AVAHI_BROWSER_FAILURE:
        self.log_.debug("mdns: browse {} failed: {}", printable(browser->type),
                        avahi_error(avahi_client_errno(avahi_service_browser_get_client(handle))));
        browser->all_for_now = true;
        break;
      case AVAHI_BROWSER_CACHE_EXHAUSTED: break;
    }
  }

  Sighting* find_sighting(AvahiIfIndex interface, const char* name, const char* type,
                          const char* domain) {
    for (auto& sighting : sightings_) {
      const ServiceInstance& instance = sighting->instance;
      if (sighting->interface == interface && instance.name == name && instance.type == type &&
          instance.domain == domain) {
        return sighting.get();
      }
    }
    return nullptr;
  }

  void found(AvahiClient* client, AvahiIfIndex interface, AvahiProtocol protocol, const char* name,
             const char* type, const char* domain) {
    Sighting* sighting = find_sighting(interface, name, type, domain);
    if (sighting == nullptr) {
      auto added = std::make_unique<Sighting>();
      added->owner = this;
      added->interface = interface;
      added->instance.name = name;
      added->instance.type = type;
      added->instance.domain = domain;
      added->instance.interface = mdns::interface_name(interface_index(interface));
      sighting = added.get();
      sightings_.push_back(std::move(added));
      log_.debug("mdns: found {} {} on {} ({}) after {} ms", printable(name), printable(type),
                 sighting->instance.interface, protocol == AVAHI_PROTO_INET6 ? "IPv6" : "IPv4",
                 elapsed_ms(started_));
    }
    (protocol == AVAHI_PROTO_INET6 ? sighting->over_ipv6 : sighting->over_ipv4) = true;
    sighting->removed = false;
    if (sighting->stage != Stage::waiting) return;  // one resolve per instance and interface
    sighting->found = Clock::now();
    sighting->deadline = sighting->found + request_.resolve_timeout;
    sighting->resolver_done = false;
    sighting->stage = Stage::resolving;
    sighting->resolver.reset(avahi_service_resolver_new(
        client, interface, AVAHI_PROTO_UNSPEC, name, type, domain, AVAHI_PROTO_UNSPEC,
        AVAHI_LOOKUP_NO_ADDRESS, on_resolve, sighting));
    if (!sighting->resolver) {
      log_.debug("mdns: cannot resolve {}: {}", printable(name),
                 avahi_error(avahi_client_errno(client)));
      sighting->stage = Stage::done;
    }
  }

  static void on_resolve(AvahiServiceResolver* handle, AvahiIfIndex interface, AvahiProtocol,
                         AvahiResolverEvent event, const char*, const char*, const char*,
                         const char* host, const AvahiAddress*, uint16_t port, AvahiStringList* txt,
                         AvahiLookupResultFlags, void* userdata) {
    auto* sighting = static_cast<Sighting*>(userdata);
    AvahiBrowse& self = *sighting->owner;
    sighting->resolver_done = true;
    if (event != AVAHI_RESOLVER_FOUND) {
      self.log_.debug("mdns: resolving {} failed: {}", printable(sighting->instance.name),
                      avahi_error(avahi_client_errno(avahi_service_resolver_get_client(handle))));
      return;
    }
    ServiceInstance& instance = sighting->instance;
    instance.resolved = true;
    instance.host = host != nullptr ? host : "";
    instance.port = port;
    instance.txt = parse_txt(txt_strings(txt));
    self.log_.debug("mdns: resolved {} -> {}:{} in {} ms", printable(instance.name),
                    printable(instance.host), port, elapsed_ms(sighting->found));
    // The host's addresses of the wanted families, IPv4 first (ordered when merged).
    if (!sighting->collector && !instance.host.empty()) {
      sighting->collector = std::make_unique<AddressCollector>(
          avahi_service_resolver_get_client(handle), instance.host, interface, self.request_.family,
          self.log_);
    }
  }

  const BrowseRequest& request_;
  const Clock::time_point started_;
  std::vector<std::unique_ptr<Sighting>> sightings_;
  std::vector<std::unique_ptr<Browser>> browsers_;
};

// resolve(): host name resolvers for the wanted families, in parallel with record browsers that
// see every address of the name; an unknown name ends at our bound, not at Avahi's 5 s.
class AvahiResolve final : public AvahiSession {
 public:
  AvahiResolve(const Log& log, std::string_view host, IpFamily family)
      : AvahiSession(log), host_(host), family_(family) {}
  ~AvahiResolve() { stop_lookups(); }
  AvahiResolve(const AvahiResolve&) = delete;
  AvahiResolve& operator=(const AvahiResolve&) = delete;

  std::vector<std::string> run(std::chrono::milliseconds timeout) {
    const auto started = Clock::now();
    run_until(started + timeout);
    auto addresses = order_addresses(found_);
    log_.debug("mdns: resolve {}: {} address(es) in {} ms", printable(host_), addresses.size(),
               elapsed_ms(started));
    return addresses;
  }

 private:
  struct Resolver {
    AvahiResolve* owner = nullptr;
    HostNameResolverPtr handle;
  };

  void start_lookups(AvahiClient* client) override {
    collector_ = std::make_unique<AddressCollector>(client, host_, AVAHI_IF_UNSPEC, family_, log_);
    for (const std::string& address : found_) collector_->add(address);
    invalid_ = false;
    if (family_ != IpFamily::v6) open(client, AVAHI_PROTO_INET);
    if (family_ != IpFamily::v4) open(client, AVAHI_PROTO_INET6);
    invalid_ = resolvers_.empty();  // Avahi refused the name: nothing will answer
  }

  void open(AvahiClient* client, AvahiProtocol address_protocol) {
    auto resolver = std::make_unique<Resolver>();
    resolver->owner = this;
    resolver->handle.reset(avahi_host_name_resolver_new(
        client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, host_.c_str(), address_protocol,
        static_cast<AvahiLookupFlags>(0), on_resolve, resolver.get()));
    if (!resolver->handle) {
      if (!invalid_)  // once, not once per address family
        log_.warn("mDNS: cannot resolve {}: {}", printable(host_), avahi_error(avahi_client_errno(client)));
      invalid_ = true;
      return;
    }
    resolvers_.push_back(std::move(resolver));
  }

  static void on_resolve(AvahiHostNameResolver*, AvahiIfIndex interface, AvahiProtocol,
                         AvahiResolverEvent event, const char*, const AvahiAddress* address,
                         AvahiLookupResultFlags, void* userdata) {
    auto* resolver = static_cast<Resolver*>(userdata);
    if (event == AVAHI_RESOLVER_FOUND && address != nullptr && resolver->owner->collector_) {
      resolver->owner->collector_->add(mdns::address_text(*address, interface));
    }
  }

  void stop_lookups() override {
    if (collector_) found_ = collector_->addresses();
    collector_.reset();
    resolvers_.clear();
  }

  void advance(Clock::time_point) override {
    if (collector_) found_ = collector_->addresses();
  }
  bool finished(Clock::time_point now) const override {
    return invalid_ || (collector_ && collector_->settled(now));
  }
  Clock::time_point next_wakeup() const override {
    return collector_ && collector_->has_answer() ? collector_->settles_at()
                                                  : Clock::time_point::max();
  }

  const std::string host_;
  const IpFamily family_;
  bool invalid_ = false;
  std::vector<std::string> found_;
  std::unique_ptr<AddressCollector> collector_;
  std::vector<std::unique_ptr<Resolver>> resolvers_;
};

// reverse(): a PTR record browser on each address's reverse name, all in parallel, one bound for
// all, over when lookups_over says (core/lookup_wait.hpp). Record browsers rather than address
// resolvers: they say when they have given what the daemon had cached (CACHE_EXHAUSTED), which
// is all a remembered miss waits for.
class AvahiReverse final : public AvahiSession {
 public:
  AvahiReverse(const Log& log, const ReverseRequest& request) : AvahiSession(log), request_(request) {
    for (const std::string& text : request.addresses) {
      auto lookup = std::make_unique<Lookup>();
      lookup->owner = this;
      const auto [bare, zone] = split_zone(text);
      if (!zone.empty()) {
        lookup->interface = static_cast<AvahiIfIndex>(if_nametoindex(zone.c_str()));
        if (lookup->interface == 0) lookup->interface = AVAHI_IF_UNSPEC;
      }
      lookup->reverse_name = mdns::without_trailing_dot(mdns::reverse_name(bare));
      lookup->state.waited_for = request.waits_for(text);
      lookup->state.given_up = lookup->reverse_name.empty();  // not an address: nothing to ask
      lookups_.push_back(std::move(lookup));
    }
  }
  ~AvahiReverse() { stop_lookups(); }
  AvahiReverse(const AvahiReverse&) = delete;
  AvahiReverse& operator=(const AvahiReverse&) = delete;

  std::vector<std::string> run() {
    const auto started = Clock::now();
    made_ = started;
    if (!finished(started)) run_until(started + request_.timeout);
    std::vector<std::string> names;
    for (const auto& lookup : lookups_) names.push_back(lookup->name);
    log_.debug("mdns: reverse lookup of {} address(es), {} not waited for: {} named in {} ms", names.size(),
               std::count_if(lookups_.begin(), lookups_.end(), [](const auto& l) { return !l->state.waited_for; }),
               std::count_if(names.begin(), names.end(), [](const std::string& n) { return !n.empty(); }),
               elapsed_ms(started));
    return names;
  }

 private:
  struct Lookup {
    AvahiReverse* owner = nullptr;
    AvahiIfIndex interface = AVAHI_IF_UNSPEC;
    std::string reverse_name;  // "10.0.203.10.in-addr.arpa"
    LookupState state;
    std::string name;
    RecordBrowserPtr handle;
  };

  void start_lookups(AvahiClient* client) override {
    made_ = Clock::now();  // the quiet time counts from the queries (again after a reconnect)
    for (auto& lookup : lookups_) {
      if (lookup->state.answered || lookup->state.given_up) continue;
      lookup->state.cache_read = false;
      lookup->handle.reset(avahi_record_browser_new(
          client, lookup->interface, AVAHI_PROTO_UNSPEC, lookup->reverse_name.c_str(), AVAHI_DNS_CLASS_IN,
          AVAHI_DNS_TYPE_PTR, static_cast<AvahiLookupFlags>(0), on_record, lookup.get()));
      if (!lookup->handle) {
        log_.debug("mdns: avahi_record_browser_new({}): {}", printable(lookup->reverse_name),
                   avahi_error(avahi_client_errno(client)));
        lookup->state.given_up = true;
      }
    }
  }
  void stop_lookups() override {
    for (auto& lookup : lookups_) lookup->handle.reset();
  }
  void advance(Clock::time_point) override {
    for (auto& lookup : lookups_) {
      if (lookup->state.answered || lookup->state.given_up) lookup->handle.reset();
    }
  }
  bool finished(Clock::time_point now) const override {
    std::vector<LookupState> states;
    states.reserve(lookups_.size());
    for (const auto& lookup : lookups_) states.push_back(lookup->state);
    return lookups_over(states, request_.wait, quiet_from(), now);
  }
  Clock::time_point next_wakeup() const override { return lookups_over_at(request_.wait, quiet_from()); }
  Clock::time_point quiet_from() const { return std::max(made_, last_answer_); }

  static void on_record(AvahiRecordBrowser*, AvahiIfIndex, AvahiProtocol, AvahiBrowserEvent event, const char*,
                        uint16_t clazz, uint16_t type, const void* rdata, size_t size, AvahiLookupResultFlags,
                        void* userdata) {
    auto* lookup = static_cast<Lookup*>(userdata);
    switch (event) {
      case AVAHI_BROWSER_NEW: {
        if (clazz != AVAHI_DNS_CLASS_IN || type != AVAHI_DNS_TYPE_PTR || lookup->state.answered) break;
        std::string name = mdns::wire_name(static_cast<const unsigned char*>(rdata), size);
        if (name.empty()) break;
        lookup->name = std::move(name);
        lookup->state.answered = true;
        lookup->owner->last_answer_ = Clock::now();
        break;
      }
      case AVAHI_BROWSER_CACHE_EXHAUSTED:
      // A failure (the daemon going away, say) is no answer: a reconnect makes the browser again.
      case AVAHI_BROWSER_FAILURE: lookup->state.cache_read = true; break;
      case AVAHI_BROWSER_ALL_FOR_NOW:
        // Avahi has asked for a second (this client or another) and heard nothing. --mdns-wait
        // waits on, as Avahi goes on asking, for a responder that slow.
        lookup->state.cache_read = true;
        lookup->state.given_up = lookup->owner->request_.wait == LookupWait::first_answers;
        break;
      case AVAHI_BROWSER_REMOVE: break;
    }
  }

  const ReverseRequest& request_;
  Clock::time_point made_{};
  Clock::time_point last_answer_{};
  std::vector<std::unique_ptr<Lookup>> lookups_;
};

class AvahiDiscovery final : public Discovery {
 public:
  explicit AvahiDiscovery(const Log& log) : log_(log) {}
  std::string_view backend() const override { return "avahi"; }
  void prepare() noexcept override { mdns::load_mdns_libraries(); }

  std::vector<ServiceInstance> browse(const BrowseRequest& request) override {
    return AvahiBrowse(log_, request).run();
  }
  std::vector<std::string> resolve(std::string_view host, IpFamily family,
                                   std::chrono::milliseconds timeout) override {
    return AvahiResolve(log_, host, family).run(timeout);
  }
  std::vector<std::string> reverse(const ReverseRequest& request) override {
    return AvahiReverse(log_, request).run();
  }

 private:
  Log log_;
};

}  // namespace

std::unique_ptr<Discovery> make_avahi_discovery(const Log& log) {
  return std::make_unique<AvahiDiscovery>(log);
}

}  // namespace lxhost

// The dns_sd backend: Bonjour's dns_sd.h API, which macOS has in its system library and Linux
// has through Avahi's compatibility library. Only calls both implement are used: Browse,
// Resolve and QueryRecord (no GetAddrInfo), all with flags 0, each ref's socket watched with
// poll(). There is no "all for now": a browse ends after a quiet time without a new result.
// One file for the one API: browse, resolve and reverse each a class over dnssd_requests.*; what
// both backends share is in service_list.cpp and backend_util.hpp.
#include <dns_sd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "core/lookup_wait.hpp"
#include "discovery/backend_util.hpp"
#include "discovery/dnssd_platform.hpp"
#include "discovery/dnssd_requests.hpp"

namespace lxhost {

std::unique_ptr<Discovery> make_dnssd_discovery(const Log& log);

namespace {

using mdns::address_types;
using mdns::AddressAnswers;
using mdns::Clock;
using mdns::dnssd_error;
using mdns::elapsed_ms;
using mdns::kClassIN;
using mdns::kTypeA;
using mdns::kTypeAAAA;
using mdns::kTypePTR;
using mdns::Request;
using mdns::Requests;
using mdns::type_name;

// There is no ALL_FOR_NOW (and Avahi's compat layer reports each add twice and never sets
// MoreComing): a browse is over once, for each type, no new result came for kBrowseQuiet since
// its last one, or none at all for kFirstResultWait since its browse was made. The first answer
// into a cold cache came 229 ms after the browse in the lab, too close to 250 ms to end on that;
// 1 s is when Avahi itself says "all for now".
constexpr auto kBrowseQuiet = std::chrono::milliseconds(250);
constexpr auto kFirstResultWait = std::chrono::milliseconds(1000);

// browse(): one DNSServiceBrowse per type, one DNSServiceResolve per instance and interface,
// then A (and AAAA) queries for its host, each instance within its own bound.
class DnssdBrowse {
 public:
  DnssdBrowse(const Log& log, const BrowseRequest& request)
      : log_(log), request_(request), started_(Clock::now()), requests_(log) {}

  std::vector<ServiceInstance> run() {
    const auto deadline = started_ + request_.timeout;
    types_.reserve(request_.types.size());
    for (const std::string& type : request_.types) {
      types_.push_back({this, type});
      Request* added = nullptr;
      const auto error = requests_.add(start_browse, &types_.back(),
                                       fmt::format("DNSServiceBrowse({})", type), &added);
      if (error != kDNSServiceErr_NoError) {
        log_.warn("mDNS: cannot browse {}: {}", printable(type), dnssd_error(error));
      } else {
        browses_.push_back(added);
      }
    }
    for (;;) {
      const auto now = Clock::now();
      advance(now);
      const auto quiet_until = quiet_from();
      if ((now >= quiet_until && !pending()) || browses_.empty() || now >= deadline) break;
      requests_.pump(std::min({deadline, next_wakeup(now, quiet_until)}));
    }
    std::vector<ServiceInstance> seen;
    for (auto& instance : instances_) {
      if (instance->stage == Stage::resolving || instance->stage == Stage::querying) {
        finish(*instance);  // the browse's own deadline came first: keep what arrived
      }
      if (!instance->removed) seen.push_back(instance->instance);
    }
    auto merged = finish_browse(std::move(seen));
    log_.debug("mdns: browse found {} instance(s) in {} ms", merged.size(), elapsed_ms(started_));
    return merged;
  }

 private:
  struct TypeBrowse {
    DnssdBrowse* owner = nullptr;
    std::string type;
    Clock::time_point last_add{};
  };
  // waiting: not being resolved, either new (its resolve starts in the next round) or dropped
  // by a daemon restart (it resolves again when the new browse reports it, as with Avahi).
  enum class Stage { waiting, resolving, querying, done };
  // One instance on one interface (dns_sd does not tell IPv4 from IPv6 sightings).
  struct Instance {
    DnssdBrowse* owner = nullptr;
    uint32_t interface = 0;
    ServiceInstance instance;
    Stage stage = Stage::waiting;
    bool queued = false;  // in fresh_
    bool replied = false;
    bool removed = false;
    Clock::time_point found{};
    Clock::time_point deadline{};
    Request* resolve = nullptr;
    std::vector<Request*> queries;
    AddressAnswers answers;
  };

  static DNSServiceErrorType start_browse(DNSServiceRef* ref, Request* request) {
    const auto* browse = static_cast<const TypeBrowse*>(request->owner);
    return DNSServiceBrowse(ref, 0, kDNSServiceInterfaceIndexAny, browse->type.c_str(), "local.",
                            on_browse, request);
  }

  static void DNSSD_API on_browse(DNSServiceRef, DNSServiceFlags flags, uint32_t interface,
                                  DNSServiceErrorType error, const char* name, const char* type,
                                  const char* domain, void* context) {
    auto* request = static_cast<Request*>(context);
    DnssdBrowse& self = *static_cast<TypeBrowse*>(request->owner)->owner;
    if (error != kDNSServiceErr_NoError || name == nullptr || type == nullptr ||
        domain == nullptr) {
      self.log_.debug("mdns: {}: {}", printable(request->what), dnssd_error(error));
      Requests::broke(request);
      return;
    }
    if ((flags & kDNSServiceFlagsAdd) != 0)
      static_cast<TypeBrowse*>(request->owner)->last_add = Clock::now();
    self.found(flags, interface, name, mdns::without_trailing_dot(type),
               mdns::without_trailing_dot(domain));
  }

  void found(DNSServiceFlags flags, uint32_t interface, const std::string& name,
             const std::string& type, const std::string& domain) {
    const bool add = (flags & kDNSServiceFlagsAdd) != 0;
    const auto it = std::find_if(instances_.begin(), instances_.end(), [&](const auto& seen) {
      return seen->interface == interface && seen->instance.name == name &&
             seen->instance.type == type && seen->instance.domain == domain;
    });
    if (!add) {
      if (it != instances_.end()) (*it)->removed = true;
      return;
    }
    const auto now = Clock::now();
    Instance* instance = it != instances_.end() ? it->get() : nullptr;
    if (instance == nullptr) {
      auto added = std::make_unique<Instance>();
      added->owner = this;
      added->interface = interface;
      added->instance.name = name;
      added->instance.type = type;
      added->instance.domain = domain;
      added->instance.interface = mdns::interface_name(interface);
      instance = added.get();
      instances_.push_back(std::move(added));
      log_.debug("mdns: found {} {} on {} after {} ms", printable(name), printable(type),
                 instance->instance.interface, elapsed_ms(started_));
    }
    instance->removed = false;
    // One resolve per instance and interface: the compat layer's second add, or the same
    // instance over the other protocol, changes nothing.
    if (instance->stage != Stage::waiting || instance->queued) return;
    instance->found = now;
    instance->deadline = now + request_.resolve_timeout;
    instance->queued = true;
    fresh_.push_back(instance);
  }

  static DNSServiceErrorType start_resolve(DNSServiceRef* ref, Request* request) {
    const auto* instance = static_cast<const Instance*>(request->owner);
    const ServiceInstance& seen = instance->instance;
    return DNSServiceResolve(ref, 0, instance->interface, seen.name.c_str(), seen.type.c_str(),
                             seen.domain.c_str(), on_resolve, request);
  }

  static void DNSSD_API on_resolve(DNSServiceRef, DNSServiceFlags, uint32_t,
                                   DNSServiceErrorType error, const char*, const char* host,
                                   uint16_t port, uint16_t txt_size, const unsigned char* txt,
                                   void* context) {
    auto* request = static_cast<Request*>(context);
    auto* instance = static_cast<Instance*>(request->owner);
    if (error != kDNSServiceErr_NoError || host == nullptr) {
      instance->owner->log_.debug("mdns: {}: {}", printable(request->what), dnssd_error(error));
      Requests::broke(request);
      return;
    }
    ServiceInstance& seen = instance->instance;
    seen.resolved = true;
    seen.host = mdns::without_trailing_dot(host);
    seen.port = ntohs(port);
    const std::string_view wire(reinterpret_cast<const char*>(txt), txt != nullptr ? txt_size : 0u);
    seen.txt = parse_txt(split_txt_record(wire));
    instance->replied = true;
  }

  static DNSServiceErrorType start_query_a(DNSServiceRef* ref, Request* request) {
    return start_query(ref, request, kTypeA);
  }
  static DNSServiceErrorType start_query_aaaa(DNSServiceRef* ref, Request* request) {
    return start_query(ref, request, kTypeAAAA);
  }
  static DNSServiceErrorType start_query(DNSServiceRef* ref, Request* request, uint16_t type) {
    const auto* instance = static_cast<const Instance*>(request->owner);
    return DNSServiceQueryRecord(ref, 0, instance->interface, instance->instance.host.c_str(), type,
                                 kClassIN, on_address, request);
  }

  static void DNSSD_API on_address(DNSServiceRef, DNSServiceFlags flags, uint32_t interface,
                                   DNSServiceErrorType error, const char*, uint16_t type,
                                   uint16_t clazz, uint16_t size, const void* data, uint32_t,
                                   void* context) {
    auto* request = static_cast<Request*>(context);
    auto* instance = static_cast<Instance*>(request->owner);
    if (error != kDNSServiceErr_NoError) {
      Requests::broke(request);
      return;
    }
    if ((flags & kDNSServiceFlagsAdd) != 0 && clazz == kClassIN) {
      instance->answers.add(type, size, data, interface);
    }
  }

  void advance(Clock::time_point now) {
    for (Instance* instance : fresh_) {
      instance->queued = false;
      if (instance->removed) continue;
      instance->replied = false;
      const auto error = requests_.add(
          start_resolve, instance, fmt::format("DNSServiceResolve({})", instance->instance.name),
          &instance->resolve, false);
      instance->stage = error == kDNSServiceErr_NoError ? Stage::resolving : Stage::done;
    }
    fresh_.clear();
    for (auto& instance : instances_) {
      if (instance->stage != Stage::resolving && instance->stage != Stage::querying) continue;
      if (instance->removed) {  // a goodbye
        finish(*instance);
        continue;
      }
      if (dropped(*instance)) {
        log_.debug("mdns: resolving {}: the daemon dropped or failed it",
                   printable(instance->instance.name));
        finish(*instance);
        if (instance->instance.addresses.empty()) instance->stage = Stage::waiting;
        continue;
      }
      if (instance->stage == Stage::resolving && instance->replied) {
        log_.debug("mdns: resolved {} -> {}:{} in {} ms", printable(instance->instance.name),
                   printable(instance->instance.host), instance->instance.port,
                   elapsed_ms(instance->found));
        requests_.remove(instance->resolve);
        instance->resolve = nullptr;
        instance->stage = Stage::querying;
        instance->answers.begin(request_.family);
        for (const uint16_t type : address_types(request_.family)) {
          Request* query = nullptr;
          requests_.add(type == kTypeA ? start_query_a : start_query_aaaa, instance.get(),
                        fmt::format("DNSServiceQueryRecord({}, {})", instance->instance.host,
                                    type_name(type)),
                        &query, false);
          if (query != nullptr) instance->queries.push_back(query);
        }
        if (instance->queries.empty()) finish(*instance);
      }
      if (instance->stage == Stage::querying && instance->answers.settled(now)) finish(*instance);
      if (instance->stage != Stage::done && now >= instance->deadline) {
        log_.debug("mdns: resolving {} on {} timed out after {} ms",
                   printable(instance->instance.name), instance->instance.interface,
                   elapsed_ms(instance->found));
        finish(*instance);
      }
    }
  }

  void finish(Instance& instance) {
    if (instance.resolve != nullptr) requests_.remove(instance.resolve);
    instance.resolve = nullptr;
    for (Request* query : instance.queries) requests_.remove(query);
    instance.queries.clear();
    instance.instance.addresses = instance.answers.addresses;
    instance.stage = Stage::done;
  }

  static bool dropped(const Instance& instance) {
    if (instance.resolve != nullptr && instance.resolve->broken) return true;
    return std::any_of(instance.queries.begin(), instance.queries.end(),
                       [](const Request* query) { return query->broken; });
  }

  bool pending() const {
    return !fresh_.empty() || std::any_of(instances_.begin(), instances_.end(), [](const auto& i) {
      return i->stage == Stage::resolving || i->stage == Stage::querying;
    });
  }

  // When every type's browse has been quiet long enough (see kBrowseQuiet). A browse the
  // daemon dropped (it restarts) is never quiet: its new ref has not reported yet.
  Clock::time_point quiet_from() const {
    auto quiet = started_;
    for (const Request* browse : browses_) {
      if (browse->broken) return Clock::time_point::max();
      const auto* type = static_cast<const TypeBrowse*>(browse->owner);
      const bool reported = type->last_add >= browse->started;
      quiet = std::max(
          quiet, reported ? type->last_add + kBrowseQuiet : browse->started + kFirstResultWait);
    }
    return quiet;
  }

  Clock::time_point next_wakeup(Clock::time_point now, Clock::time_point quiet_until) const {
    auto next = now < quiet_until ? quiet_until : Clock::time_point::max();
    for (const auto& instance : instances_) {
      if (instance->stage != Stage::resolving && instance->stage != Stage::querying) continue;
      next = std::min({next, instance->deadline, instance->answers.settles_at()});
    }
    return next;
  }

  const Log& log_;
  const BrowseRequest& request_;
  const Clock::time_point started_;
  std::vector<TypeBrowse> types_;  // reserved up front: requests point into it
  std::vector<Request*> browses_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<Instance*> fresh_;  // found in the last round, resolve not started yet
  Requests requests_;             // last: its refs go first, before the state their callbacks reach
};

// resolve(): A (and AAAA) queries on the name; answers until kAnswerSettle after the last new
// one, or the bound.
class DnssdResolve {
 public:
  DnssdResolve(const Log& log, std::string_view host) : log_(log), host_(host), requests_(log) {}

  std::vector<std::string> run(IpFamily family, std::chrono::milliseconds timeout) {
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    answers_.begin(family);
    bool asked = false;
    bool warned = false;  // once, not once per record type
    for (const uint16_t type : address_types(family)) {
      const auto error =
          requests_.add(type == kTypeA ? start_a : start_aaaa, this,
                        fmt::format("DNSServiceQueryRecord({}, {})", host_, type_name(type)));
      if (error == kDNSServiceErr_NoError) {
        asked = true;
      } else if (!warned) {
        log_.warn("mDNS: cannot resolve {}: {}", printable(host_), dnssd_error(error));
        warned = true;
      }
    }
    while (asked) {
      const auto now = Clock::now();
      if (answers_.settled(now) || now >= deadline) break;
      requests_.pump(std::min(deadline, answers_.settles_at()));
    }
    auto addresses = order_addresses(answers_.addresses);
    log_.debug("mdns: resolve {}: {} address(es) in {} ms", printable(host_), addresses.size(),
               elapsed_ms(started));
    return addresses;
  }

 private:
  static DNSServiceErrorType start_a(DNSServiceRef* ref, Request* request) {
    return start(ref, request, kTypeA);
  }
  static DNSServiceErrorType start_aaaa(DNSServiceRef* ref, Request* request) {
    return start(ref, request, kTypeAAAA);
  }
  static DNSServiceErrorType start(DNSServiceRef* ref, Request* request, uint16_t type) {
    const auto* self = static_cast<const DnssdResolve*>(request->owner);
    return DNSServiceQueryRecord(ref, 0, kDNSServiceInterfaceIndexAny, self->host_.c_str(), type,
                                 kClassIN, on_answer, request);
  }
  static void DNSSD_API on_answer(DNSServiceRef, DNSServiceFlags flags, uint32_t interface,
                                  DNSServiceErrorType error, const char*, uint16_t type,
                                  uint16_t clazz, uint16_t size, const void* data, uint32_t,
                                  void* context) {
    auto* request = static_cast<Request*>(context);
    auto* self = static_cast<DnssdResolve*>(request->owner);
    if (error != kDNSServiceErr_NoError) {
      Requests::broke(request);
      return;
    }
    if ((flags & kDNSServiceFlagsAdd) != 0 && clazz == kClassIN) {
      self->answers_.add(type, size, data, interface);
    }
  }

  const Log& log_;
  const std::string host_;
  AddressAnswers answers_;
  Requests requests_;  // last: its refs go first, before the state their callbacks reach
};

// reverse(): a PTR query on each address's reverse name, all in parallel, one bound for all, over
// when lookups_over says (core/lookup_wait.hpp). dns_sd does not say when a query has given
// what the daemon had cached: a remembered miss counts as read kCachedAnswersWithin after its
// query was made.
class DnssdReverse {
 public:
  DnssdReverse(const Log& log, const ReverseRequest& request) : log_(log), request_(request), requests_(log) {}

  std::vector<std::string> run() {
    const auto started = Clock::now();
    const auto deadline = started + request_.timeout;
    made_ = started;
    lookups_.reserve(request_.addresses.size());
    for (const std::string& text : request_.addresses) {
      lookups_.push_back({});
      Lookup& lookup = lookups_.back();
      lookup.owner = this;
      const auto [bare, zone] = split_zone(text);
      if (!zone.empty()) lookup.interface = if_nametoindex(zone.c_str());
      lookup.reverse_name = mdns::reverse_name(bare);
      lookup.state.waited_for = request_.waits_for(text);
      lookup.state.given_up = lookup.reverse_name.empty();  // not an address: nothing to ask
    }
    for (Lookup& lookup : lookups_) {
      if (lookup.state.given_up) continue;
      const auto error = requests_.add(
          start, &lookup, fmt::format("DNSServiceQueryRecord({}, PTR)", lookup.reverse_name),
          &lookup.request);
      if (error != kDNSServiceErr_NoError) lookup.state.given_up = true;
    }
    for (;;) {
      const auto now = Clock::now();
      for (Lookup& lookup : lookups_) {
        if ((lookup.state.answered || lookup.state.given_up) && lookup.request != nullptr) {
          requests_.remove(lookup.request);
          lookup.request = nullptr;
        }
        if (lookup.request != nullptr && !lookup.request->broken)
          lookup.state.cache_read = now >= lookup.request->started + kCachedAnswersWithin;
      }
      if (over(now) || now >= deadline) break;
      requests_.pump(std::min(deadline, next_wakeup()));
    }
    std::vector<std::string> names;
    for (const Lookup& lookup : lookups_) names.push_back(lookup.name);
    log_.debug("mdns: reverse lookup of {} address(es), {} not waited for: {} named in {} ms", names.size(),
               std::count_if(lookups_.begin(), lookups_.end(), [](const Lookup& l) { return !l.state.waited_for; }),
               std::count_if(names.begin(), names.end(), [](const std::string& n) { return !n.empty(); }),
               elapsed_ms(started));
    return names;
  }

 private:
  // The daemon gives what it has cached at once (Avahi within 15 ms in the lab).
  static constexpr auto kCachedAnswersWithin = std::chrono::milliseconds(50);

  struct Lookup {
    DnssdReverse* owner = nullptr;
    uint32_t interface = 0;
    std::string reverse_name;
    std::string name;
    LookupState state;
    Request* request = nullptr;
  };

  // A query the daemon dropped (it restarts) is still on its way: only answers end the lookups
  // then, or the bound, so that a daemon's restart is not taken for names nobody announces.
  bool restarting() const {
    return std::any_of(lookups_.begin(), lookups_.end(),
                       [](const Lookup& l) { return l.request != nullptr && l.request->broken; });
  }
  bool over(Clock::time_point now) const {
    std::vector<LookupState> states;
    states.reserve(lookups_.size());
    for (const Lookup& lookup : lookups_) states.push_back(lookup.state);
    return lookups_over(states, restarting() ? LookupWait::every_answer : request_.wait, quiet_from(), now);
  }
  // The later of the last answer and the last query made (again, after a restart).
  Clock::time_point quiet_from() const {
    auto from = std::max(made_, last_answer_);
    for (const Lookup& lookup : lookups_) {
      if (lookup.request != nullptr) from = std::max(from, lookup.request->started);
    }
    return from;
  }
  Clock::time_point next_wakeup() const {
    auto next = lookups_over_at(request_.wait, quiet_from());
    for (const Lookup& lookup : lookups_) {
      if (lookup.request != nullptr && !lookup.state.cache_read)
        next = std::min(next, lookup.request->started + kCachedAnswersWithin);
    }
    return next;
  }

  static DNSServiceErrorType start(DNSServiceRef* ref, Request* request) {
    const auto* lookup = static_cast<const Lookup*>(request->owner);
    return DNSServiceQueryRecord(ref, 0, lookup->interface, lookup->reverse_name.c_str(), kTypePTR,
                                 kClassIN, on_answer, request);
  }
  static void DNSSD_API on_answer(DNSServiceRef, DNSServiceFlags flags, uint32_t,
                                  DNSServiceErrorType error, const char*, uint16_t type,
                                  uint16_t clazz, uint16_t size, const void* data, uint32_t,
                                  void* context) {
    auto* request = static_cast<Request*>(context);
    auto* lookup = static_cast<Lookup*>(request->owner);
    if (error != kDNSServiceErr_NoError) {
      Requests::broke(request);
      return;
    }
    if (lookup->state.answered || (flags & kDNSServiceFlagsAdd) == 0 || clazz != kClassIN ||
        type != kTypePTR) {
      return;
    }
    std::string name = mdns::wire_name(static_cast<const unsigned char*>(data), size);
    if (name.empty()) return;
    lookup->name = std::move(name);
    lookup->state.answered = true;
    lookup->owner->last_answer_ = Clock::now();
  }

  const Log& log_;
  const ReverseRequest& request_;
  Clock::time_point made_{};
  Clock::time_point last_answer_{};
  std::vector<Lookup> lookups_;  // reserved up front: requests point into it
  Requests requests_;            // last: its refs go first, before the state their callbacks reach
};

class DnssdDiscovery final : public Discovery {
 public:
  explicit DnssdDiscovery(const Log& log) : log_(log) { mdns::prepare_dnssd_library(); }
  std::string_view backend() const override { return "dnssd"; }
  void prepare() noexcept override { mdns::load_mdns_libraries(); }

  std::vector<ServiceInstance> browse(const BrowseRequest& request) override {
    return DnssdBrowse(log_, request).run();
  }
  std::vector<std::string> resolve(std::string_view host, IpFamily family,
                                   std::chrono::milliseconds timeout) override {
    return DnssdResolve(log_, host).run(family, timeout);
  }
  std::vector<std::string> reverse(const ReverseRequest& request) override {
    return DnssdReverse(log_, request).run();
  }

 private:
  Log log_;
};

}  // namespace

std::unique_ptr<Discovery> make_dnssd_discovery(const Log& log) {
  return std::make_unique<DnssdDiscovery>(log);
}

}  // namespace lxhost

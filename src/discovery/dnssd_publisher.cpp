// The Publisher (core/publish.hpp) over Bonjour's dns_sd.h: macOS's mDNSResponder. Compiled there
// (macOS), untested there (no Mac here); compiled here too (Linux, against Avahi's Bonjour
// compatibility header, through the loader in mdns_libraries_linux.cpp), where it cannot run:
// Avahi's compatibility library does not register records. DNSServiceCreateConnection and
// DNSServiceRegisterRecord return kDNSServiceErr_Unsupported there (measured, Avahi 0.8), after
// printing three warning lines on stderr and to syslog that AVAHI_COMPAT_NOWARN does not silence,
// so on Linux make_dnssd_publisher() says so instead of calling them: the avahi backend publishes.
//
// The same design as the Avahi publisher (avahi_publisher.cpp): one thread of ours makes every
// dns_sd call (the API is not thread-safe) and poll()s the sockets; set() and withdraw_all() hand
// over what they want and wake it through a pipe. One connection (DNSServiceCreateConnection)
// holds every record, each registered with kDNSServiceFlagsUnique (mDNSResponder probes it and
// calls back when it is established, or with kDNSServiceErr_NameConflict). Before a name is
// registered, DNSServiceQueryRecord asks for its A and AAAA records for kCheckWindow; dns_sd cannot
// tell our own records from others', so a name is only checked while this process has none for it,
// and any answer means someone else announces it.
#include <dns_sd.h>
#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "core/publish.hpp"
#include "discovery/backend_util.hpp"
#include "discovery/dnssd_platform.hpp"
#include "discovery/dnssd_requests.hpp"
#include "discovery/publisher_base.hpp"

namespace lxhost {

std::unique_ptr<Publisher> make_dnssd_publisher(const Log& log, PublishNotify notify);

namespace {

using mdns::Clock;
using mdns::dnssd_error;
using mdns::elapsed_ms;
using mdns::Inbox;
using mdns::NoteTeller;
using mdns::RefPtr;

#ifdef __APPLE__
constexpr bool kRegistersRecords = true;
#else
// Avahi's Bonjour compatibility library (see the top of this file).
constexpr bool kRegistersRecords = false;
#endif

// The Avahi publisher's check window (avahi_publisher.cpp, where it was measured): past the answer
// to a second question, which RFC 6762 5.2 has a querier ask at least 1 s after its first (not
// measured with mDNSResponder).
constexpr auto kCheckWindow = std::chrono::milliseconds(1250);
// How soon to connect again while mDNSResponder is away (it restarts within a second or so).
constexpr auto kReconnectRetry = std::chrono::seconds(1);
// A records' time to live: 120 s, as mDNSResponder and Avahi give host address records.
constexpr uint32_t kTtl = 120;
// Apple's value; Avahi's older dns_sd.h does not define it.
constexpr DNSServiceErrorType kServiceNotRunning = -65563;

class DnssdLoop;
struct Name;

// One registered record: its ref on the connection, and what its callback said.
struct Record {
  Name* name = nullptr;
  DNSRecordRef ref = nullptr;
  bool established = false;
  DNSServiceErrorType error = kDNSServiceErr_NoError;
};

// One query of a check (A or AAAA).
struct Query {
  Name* name = nullptr;
  RefPtr ref;
};

struct Name {
  enum class Stage { fresh, checking, registering, published, taken, conflict, failed };

  DnssdLoop* owner = nullptr;
  PublishedName entry;
  Stage stage = Stage::fresh;
  std::optional<PublishNote::Kind> told;
  Clock::time_point check_started{};
  Clock::time_point check_until{};
  std::optional<std::string> answer;
  std::vector<std::unique_ptr<Query>> queries;
  std::vector<std::unique_ptr<Record>> records;
  bool replace = false;  // its addresses changed: register the new records in place of these
};

class DnssdLoop {
 public:
  DnssdLoop(const Log& log, PublishNotify notify);
  ~DnssdLoop() { stop(); }
  DnssdLoop(const DnssdLoop&) = delete;
  DnssdLoop& operator=(const DnssdLoop&) = delete;

  static constexpr const char* kDaemon = "mDNSResponder";  // for ThreadedPublisher's lines
  static constexpr const char* kThread = "dns_sd";

  Inbox& inbox() { return inbox_; }
  NoteTeller& notes() { return notes_; }
  void stop();

 private:
  void run();
  void step(Clock::time_point now);
  void reconcile(std::vector<PublishedName> names);
  void connect(Clock::time_point now);
  void drop_connection(const std::string& why);
  void advance(Clock::time_point now);
  void start_check(Name& name, Clock::time_point now);
  void register_records(Name& name);
  void remove_records(Name& name);
  void withdraw_everything();
  Clock::time_point next_wakeup() const;

  static void DNSSD_API on_answer(DNSServiceRef, DNSServiceFlags flags, uint32_t interface, DNSServiceErrorType error,
                                  const char*, uint16_t type, uint16_t, uint16_t size, const void* data, uint32_t,
                                  void* context);
  static void DNSSD_API on_registered(DNSServiceRef, DNSRecordRef, DNSServiceFlags, DNSServiceErrorType error,
                                      void* context);

  const Log log_;
  Inbox inbox_;
  NoteTeller notes_;

  // The thread's own.
  std::thread thread_;
  RefPtr connection_;
  bool connection_lost_ = false;
  Clock::time_point retry_at_{};
  std::map<std::string, std::unique_ptr<Name>> names_;
};

DnssdLoop::DnssdLoop(const Log& log, PublishNotify notify) : log_(log), notes_(log, std::move(notify)) {
  thread_ = std::thread([this] { run(); });
}

void DnssdLoop::stop() {
  if (thread_.joinable()) {
    inbox_.quit();
    thread_.join();
  }
  for (auto& [key, name] : names_) name->queries.clear();
  names_.clear();
  connection_.reset();  // deregisters every record still on it
}

void DnssdLoop::run() {
  for (;;) {
    if (inbox_.quitting()) return;
    try {
      step(Clock::now());
      std::vector<pollfd> fds{{inbox_.wake_fd(), POLLIN, 0}};
      std::vector<DNSServiceRef> refs{nullptr};
      if (connection_) {
        fds.push_back({DNSServiceRefSockFD(connection_.get()), POLLIN, 0});
        refs.push_back(connection_.get());
      }
      for (const auto& [key, name] : names_) {
        for (const auto& query : name->queries) {
          fds.push_back({DNSServiceRefSockFD(query->ref.get()), POLLIN, 0});
          refs.push_back(query->ref.get());
        }
      }
      const int ready = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), mdns::wait_ms(next_wakeup()));
      if (ready < 0 && errno != EINTR) throw Failure(fmt::format("poll: {}", std::strerror(errno)));
      inbox_.drain();
      for (std::size_t i = 1; ready > 0 && i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        const bool is_connection = refs[i] == connection_.get();
        const DNSServiceErrorType error = (fds[i].revents & POLLIN) != 0 ? DNSServiceProcessResult(refs[i])
                                                                         : kServiceNotRunning;
        if (error == kDNSServiceErr_NoError) continue;
        if (is_connection) {
          connection_lost_ = true;  // the daemon went away: its records with it
          break;  // the refs after it may be gone with the names they belong to
        }
        // A query the daemon dropped: its check ends without an answer, like one that ran out.
        for (auto& [key, name] : names_) {
          std::erase_if(name->queries, [&](const auto& query) { return query->ref.get() == refs[i]; });
        }
      }
    } catch (const std::exception& e) {
      log_.warn("mDNS: publishing: {}", e.what());
      std::this_thread::sleep_for(kReconnectRetry);  // not a busy loop on a lasting failure
    }
  }
}

Clock::time_point DnssdLoop::next_wakeup() const {
  auto next = Clock::time_point::max();
  if (!connection_) next = retry_at_;
  for (const auto& [key, name] : names_) {
    if (name->stage == Name::Stage::checking) next = std::min(next, name->check_until);
  }
  return next;
}

void DnssdLoop::step(Clock::time_point now) {
  auto [wanted, withdraw] = inbox_.take();
  if (withdraw) withdraw_everything();
  if (inbox_.withdrawn()) return;
  if (wanted) reconcile(std::move(*wanted));
  if (connection_lost_) drop_connection("mDNSResponder went away");
  if (!connection_ && now >= retry_at_) connect(now);
  if (connection_) advance(now);
}

void DnssdLoop::reconcile(std::vector<PublishedName> names) {
  std::set<std::string> given;
  for (PublishedName& entry : names) {
    if (!given.insert(entry.name).second) continue;  // one entry per name: the first counts
    auto it = names_.find(entry.name);
    if (it == names_.end()) {
      auto name = std::make_unique<Name>();
      name->owner = this;
      name->entry = std::move(entry);
      names_.emplace(name->entry.name, std::move(name));
      continue;
    }
    Name& name = *it->second;
    if (name.entry == entry) continue;
    const bool records_changed = name.entry.addresses != entry.addresses;
    name.entry = std::move(entry);
    switch (name.stage) {
      case Name::Stage::taken:
      case Name::Stage::conflict:
      case Name::Stage::failed:
        name.stage = Name::Stage::fresh;
        name.told.reset();
        break;
      case Name::Stage::registering:
      case Name::Stage::published:
        // As in the Avahi publisher: the name has been ours all along, no new check.
        if (records_changed) name.replace = true;
        break;
      case Name::Stage::fresh:
      case Name::Stage::checking: break;
    }
  }
  for (auto it = names_.begin(); it != names_.end();) {
    if (given.count(it->first) != 0) {
      ++it;
      continue;
    }
    remove_records(*it->second);  // mDNSResponder sends the goodbyes
    notes_.tell(*it->second, PublishNote::Kind::withdrawn);
    it = names_.erase(it);
  }
}

void DnssdLoop::connect(Clock::time_point now) {
  DNSServiceRef ref = nullptr;
  const DNSServiceErrorType error = DNSServiceCreateConnection(&ref);
  if (error == kDNSServiceErr_NoError) {
    connection_.reset(ref);
    notes_.daemon_back();
    return;
  }
  notes_.tell_waiting(names_,
                      fmt::format("cannot reach mDNSResponder (DNSServiceCreateConnection: {})", dnssd_error(error)));
  retry_at_ = now + kReconnectRetry;
}

void DnssdLoop::drop_connection(const std::string& why) {
  notes_.tell_waiting(names_, why);
  for (auto& [key, name] : names_) {
    name->queries.clear();
    name->records.clear();  // the connection's deallocation below frees their refs
    name->replace = false;
    if (name->stage == Name::Stage::checking || name->stage == Name::Stage::registering ||
        name->stage == Name::Stage::published) {
      name->stage = Name::Stage::fresh;
    }
  }
  connection_.reset();
  connection_lost_ = false;
  retry_at_ = {};
}

void DnssdLoop::advance(Clock::time_point now) {
  for (auto& [key, entry] : names_) {
    Name& name = *entry;
    switch (name.stage) {
      case Name::Stage::fresh: start_check(name, now); break;
      case Name::Stage::checking:
        if (name.answer) {
          name.queries.clear();
          name.stage = Name::Stage::taken;
          notes_.tell(name, PublishNote::Kind::taken,
                      fmt::format("another responder answers for it ({})", *name.answer));
        } else if (now >= name.check_until) {
          name.queries.clear();
          log_.debug("mdns: publish: {}: no answer after {} ms", printable(key), elapsed_ms(name.check_started));
          register_records(name);
        }
        break;
      case Name::Stage::registering:
      case Name::Stage::published: {
        if (name.replace) {
          name.replace = false;
          remove_records(name);
          name.told.reset();
          register_records(name);
          break;
        }
        const auto conflicted = std::find_if(name.records.begin(), name.records.end(), [](const auto& record) {
          return record->error != kDNSServiceErr_NoError;
        });
        if (conflicted != name.records.end()) {
          const DNSServiceErrorType error = (*conflicted)->error;
          remove_records(name);
          name.stage = error == kDNSServiceErr_NameConflict ? Name::Stage::conflict : Name::Stage::failed;
          if (error == kDNSServiceErr_NameConflict) {
            notes_.tell(name, PublishNote::Kind::conflict);
          } else {
            notes_.tell(name, PublishNote::Kind::failed, dnssd_error(error));
          }
          break;
        }
        const bool all = std::all_of(name.records.begin(), name.records.end(),
                                     [](const auto& record) { return record->established; });
        if (all && !name.records.empty()) {
          name.stage = Name::Stage::published;
          notes_.tell(name, PublishNote::Kind::published);
        }
        break;
      }
      case Name::Stage::taken:
      case Name::Stage::conflict:
      case Name::Stage::failed: break;
    }
  }
}

void DnssdLoop::start_check(Name& name, Clock::time_point now) {
  name.answer.reset();
  name.check_started = now;
  name.check_until = now + kCheckWindow;
  for (const uint16_t type : {mdns::kTypeA, mdns::kTypeAAAA}) {
    auto query = std::make_unique<Query>();
    query->name = &name;
    DNSServiceRef ref = nullptr;
    const DNSServiceErrorType error = DNSServiceQueryRecord(&ref, 0, kDNSServiceInterfaceIndexAny,
                                                            name.entry.name.c_str(), type, mdns::kClassIN,
                                                            on_answer, query.get());
    if (error != kDNSServiceErr_NoError) {
      name.queries.clear();
      if (error == kServiceNotRunning || error == kDNSServiceErr_Unknown) {
        connection_lost_ = true;  // the next step connects again, and checks again
        return;
      }
      name.stage = Name::Stage::failed;
      notes_.tell(name, PublishNote::Kind::failed, fmt::format("DNSServiceQueryRecord: {}", dnssd_error(error)));
      return;
    }
    query->ref.reset(ref);
    name.queries.push_back(std::move(query));
  }
  name.stage = Name::Stage::checking;
}

// One record per address, each on the connection, unique: mDNSResponder probes, then announces.
void DnssdLoop::register_records(Name& name) {
  name.records.clear();
  for (const std::string& text : name.entry.addresses) {
    unsigned char data[16] = {};
    uint16_t type = mdns::kTypeA;
    uint16_t size = 4;
    if (::inet_pton(AF_INET, text.c_str(), data) != 1) {
      if (::inet_pton(AF_INET6, text.c_str(), data) != 1) continue;  // "fe80::1%eth0": not ours to publish
      type = mdns::kTypeAAAA;
      size = 16;
    }
    auto record = std::make_unique<Record>();
    record->name = &name;
    const DNSServiceErrorType error =
        DNSServiceRegisterRecord(connection_.get(), &record->ref, kDNSServiceFlagsUnique, kDNSServiceInterfaceIndexAny,
                                 name.entry.name.c_str(), type, mdns::kClassIN, size, data, kTtl, on_registered,
                                 record.get());
    if (error != kDNSServiceErr_NoError) {
      remove_records(name);
      name.stage = Name::Stage::failed;
      notes_.tell(name, PublishNote::Kind::failed, fmt::format("DNSServiceRegisterRecord: {}", dnssd_error(error)));
      return;
    }
    name.records.push_back(std::move(record));
  }
  if (name.records.empty()) {
    name.stage = Name::Stage::failed;
    notes_.tell(name, PublishNote::Kind::failed, "no address that can be published");
    return;
  }
  name.stage = Name::Stage::registering;
}

void DnssdLoop::remove_records(Name& name) {
  name.queries.clear();
  for (const auto& record : name.records) {
    // Also a record in conflict: the daemon dropped it, this frees the ref.
    if (connection_ && record->ref != nullptr) (void)DNSServiceRemoveRecord(connection_.get(), record->ref, 0);
  }
  name.records.clear();
}

void DnssdLoop::withdraw_everything() {
  for (auto& [key, name] : names_) {
    remove_records(*name);
    notes_.tell(*name, PublishNote::Kind::withdrawn);
  }
  names_.clear();
  inbox_.mark_withdrawn();
}

void DNSSD_API DnssdLoop::on_answer(DNSServiceRef, DNSServiceFlags flags, uint32_t interface,
                                    DNSServiceErrorType error, const char*, uint16_t type, uint16_t, uint16_t size,
                                    const void* data, uint32_t, void* context) {
  auto* query = static_cast<Query*>(context);
  Name& name = *query->name;
  if (error != kDNSServiceErr_NoError || (flags & kDNSServiceFlagsAdd) == 0 || name.answer) return;
  std::string address;
  if (type == mdns::kTypeA && size == 4) address = mdns::address_text(AF_INET, data, interface);
  if (type == mdns::kTypeAAAA && size == 16) address = mdns::address_text(AF_INET6, data, interface);
  name.answer = address.empty() ? fmt::format("a {} record", mdns::type_name(type)) : address;
  name.owner->log_.debug("mdns: publish: {}: answer {} after {} ms", printable(name.entry.name), *name.answer,
                         elapsed_ms(name.check_started));
}

void DNSSD_API DnssdLoop::on_registered(DNSServiceRef, DNSRecordRef, DNSServiceFlags, DNSServiceErrorType error,
                                        void* context) {
  auto* record = static_cast<Record*>(context);
  record->error = error;
  record->established = error == kDNSServiceErr_NoError;
}

}  // namespace

std::unique_ptr<Publisher> make_dnssd_publisher(const Log& log, PublishNotify notify) {
  if (!kRegistersRecords) {
    throw MdnsUnavailable("mDNS: Avahi's Bonjour compatibility library cannot publish records "
                          "(no DNSServiceRegisterRecord): use the avahi backend");
  }
  mdns::prepare_dnssd_library();
  return std::make_unique<mdns::ThreadedPublisher<DnssdLoop>>(log, std::move(notify));
}

}  // namespace lxhost

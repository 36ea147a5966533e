// The Publisher (core/publish.hpp) on Linux: `NAME.local` address records through Avahi's client
// library. One thread, an AvahiThreadedPoll's, runs the client and makes every Avahi call; set()
// and withdraw_all() only hand over what they want, under a mutex of ours, and wake that thread
// through a pipe. So they return at once even while the thread waits in a D-Bus call to a daemon
// that hangs (D-Bus gives up after 25 s), which Avahi's own poll lock would make them wait for.
//
// Each name has its own entry group, so a conflict withdraws that name only. Before a name is
// published, record browsers ask for its A and AAAA records: any answer means someone else
// announces it (a container's own avahi-daemon, another machine, another program on this one) and
// the name is left to them, never published over or renamed. When the daemon goes away (a
// restart), the groups went with it: every name is checked and published again once it is back.
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/address.h>
#include <avahi-common/defs.h>
#include <avahi-common/error.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/watch.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/discovery.hpp"
#include "core/publish.hpp"
#include "discovery/avahi_session.hpp"
#include "discovery/backend_util.hpp"
#include "discovery/publisher_base.hpp"

namespace lxhost {

std::unique_ptr<Publisher> make_avahi_publisher(const Log& log, PublishNotify notify);

namespace {

using mdns::avahi_error;
using mdns::AvahiFree;
using mdns::ClientPtr;
using mdns::Clock;
using mdns::elapsed_ms;
using mdns::Inbox;
using mdns::NoteTeller;
using mdns::RecordBrowserPtr;

using ThreadedPollPtr = std::unique_ptr<AvahiThreadedPoll, AvahiFree<avahi_threaded_poll_free>>;
using EntryGroupPtr = std::unique_ptr<AvahiEntryGroup, AvahiFree<avahi_entry_group_free>>;

// How long a name's record browsers wait for somebody else's answer before the name is published.
// Measured in the lab: Avahi sends its first query 115 ms after the browsers are made (it holds a
// new query back 100 ms to gather others), and a live responder's answer (an avahi-daemon in
// another namespace on the bridge, 20 names nobody had asked for) came 111-115 ms after the
// browsers were made, 20 of 20. Avahi asks again 1 s after its first query; this window ends after
// that second question's answer (about 1.12 s), so one lost packet does not make lxhost publish
// over somebody. Any longer only delays every new name: one nobody announces is published about
// 2.1 s after set() (this, then Avahi's probing, 3 x 250 ms).
constexpr auto kCheckWindow = std::chrono::milliseconds(1250);

// How long after a check began an answer from the daemon's cache can still go away by itself: a
// record that got a goodbye packet stays cached for 1 s more (RFC 6762 10.1; Avahi 0.8 reports its
// REMOVE 1002 ms after the goodbye, measured). That is what the laptop's daemon holds for a name
// this publisher (or another program) withdrew a moment before: its own announcements come back
// to it and are cached. So a check that has only cached answers at its end waits until then, and
// publishes the name if they went.
constexpr auto kGoodbyeHold = std::chrono::milliseconds(1200);

// How soon to try again when not even an AVAHI_CLIENT_NO_FAIL client can be made (no D-Bus system
// bus). Such a client waits for the daemon by itself; only the bus has to be looked for.
constexpr auto kReconnectRetry = std::chrono::seconds(1);

// An entry group's state, for debug lines.
const char* group_state_name(AvahiEntryGroupState state) {
  switch (state) {
    case AVAHI_ENTRY_GROUP_UNCOMMITED: return "uncommitted";
    case AVAHI_ENTRY_GROUP_REGISTERING: return "registering";
    case AVAHI_ENTRY_GROUP_ESTABLISHED: return "established";
    case AVAHI_ENTRY_GROUP_COLLISION: return "collision";
    case AVAHI_ENTRY_GROUP_FAILURE: return "failure";
  }
  return "unknown";
}

class PublishLoop;

// One name: the entry it was given, where it stands, and its Avahi objects.
struct Name {
  enum class Stage {
    fresh,        // to be checked once the client runs
    checking,     // record browsers open until check_until
    registering,  // records committed: Avahi probes, then announces
    published,    // the group is established
    recommit,     // to commit again: new addresses, or the group was reset while the laptop's
                  // own host name was registered again
    taken,        // these three are not tried again until the entry changes or is given again
    conflict,
    failed,
  };

  PublishLoop* owner = nullptr;
  PublishedName entry;
  Stage stage = Stage::fresh;
  std::optional<PublishNote::Kind> told;  // the last note, so that each change is told once
  // During a check: the first answer that decides ("10.203.0.10", from the network now, or the
  // laptop's daemon's own records: its host name, or another program's), and what the daemon's
  // cache answered (which may be a goodbye on its way out, see kGoodbyeHold).
  Clock::time_point check_started{};
  Clock::time_point check_until{};
  std::optional<std::string> answer;
  bool answer_local = false;
  std::vector<std::string> cached;
  std::vector<RecordBrowserPtr> browsers;
  // While published: the group's state as its callback last reported it.
  Clock::time_point committed{};
  AvahiEntryGroupState group_state = AVAHI_ENTRY_GROUP_UNCOMMITED;
  int group_error = AVAHI_OK;
  EntryGroupPtr group;  // last: freed before the rest of the name
};

// Everything the publisher's thread owns. Shared by the Publisher and, when stopping it takes too
// long, by the thread that goes on stopping it after the Publisher is gone.
class PublishLoop {
 public:
  PublishLoop(const Log& log, PublishNotify notify);
  ~PublishLoop() { stop(); }
  PublishLoop(const PublishLoop&) = delete;
  PublishLoop& operator=(const PublishLoop&) = delete;

  static constexpr const char* kDaemon = "the Avahi daemon";  // for ThreadedPublisher's lines
  static constexpr const char* kThread = "Avahi";

  // Any thread.
  Inbox& inbox() { return inbox_; }
  NoteTeller& notes() { return notes_; }
  void stop();  // stops the thread, then frees everything; not from the thread itself

 private:
  // The poll thread (with the poll's lock held), or stop() once that thread has ended.
  void step();
  void reconcile(std::vector<PublishedName> names);
  void connect(Clock::time_point now);
  void drop_client();
  void suspend_groups();
  void advance(Clock::time_point now);
  void start_check(Name& name, Clock::time_point now);
  void end_check(Name& name);
  void publish(Name& name, Clock::time_point now);
  void refused(Name& name, int error);
  void withdraw_everything();
  void kick();
  void arm(Clock::time_point now);

  static void on_wake(AvahiWatch*, int fd, AvahiWatchEvent, void* userdata);
  static void on_work(AvahiTimeout*, void* userdata);
  static void on_client(AvahiClient* client, AvahiClientState state, void* userdata);
  static void on_group(AvahiEntryGroup* group, AvahiEntryGroupState state, void* userdata);
  static void on_record(AvahiRecordBrowser*, AvahiIfIndex interface, AvahiProtocol,
                        AvahiBrowserEvent event, const char*, uint16_t clazz, uint16_t type,
                        const void* rdata, size_t size, AvahiLookupResultFlags flags,
                        void* userdata);

  const Log log_;
  Inbox inbox_;  // its pipe wakes the thread (a watch on it)
  NoteTeller notes_;

  // The thread's own.
  ThreadedPollPtr poll_;
  const AvahiPoll* poll_api_ = nullptr;
  AvahiWatch* wake_watch_ = nullptr;
  AvahiTimeout* work_ = nullptr;  // the next step: at once (kick) or at the next deadline
  bool started_ = false;
  bool dirty_ = false;  // something happened during a step that the next step must see
  ClientPtr client_;
  bool client_lost_ = false;      // the client failed (the daemon went away): make a new one
  int lost_error_ = AVAHI_OK;
  bool running_ = false;          // the client was S_RUNNING at the last step
  Clock::time_point retry_at_{};  // when to make a client again, while none could be made
  std::map<std::string, std::unique_ptr<Name>> names_;
};

PublishLoop::PublishLoop(const Log& log, PublishNotify notify) : log_(log), notes_(log, std::move(notify)) {
  poll_.reset(avahi_threaded_poll_new());  // the first Avahi call: loads the libraries, or throws
  if (!poll_) throw Failure("mDNS: out of memory (avahi_threaded_poll_new)");
  poll_api_ = avahi_threaded_poll_get(poll_.get());
  try {
    // Before the thread starts: nothing else uses the poll yet, no lock needed.
    wake_watch_ = poll_api_->watch_new(poll_api_, inbox_.wake_fd(), AVAHI_WATCH_IN, on_wake, this);
    static constexpr timeval kNow = {0, 0};  // Avahi's "at once"
    work_ = poll_api_->timeout_new(poll_api_, &kNow, on_work, this);  // the first step connects
    if (wake_watch_ == nullptr || work_ == nullptr) throw Failure("mDNS: out of memory (Avahi poll)");
    if (avahi_threaded_poll_start(poll_.get()) < 0) {
      throw Failure(fmt::format("mDNS: cannot start the publisher's thread: {}", std::strerror(errno)));
    }
  } catch (...) {
    stop();  // the destructor does not run for an object that was never made
    throw;
  }
  started_ = true;
}

void PublishLoop::stop() {
  if (started_) {
    avahi_threaded_poll_stop(poll_.get());  // joins the thread: from here on, all is ours
    started_ = false;
  }
  names_.clear();  // browsers and groups before the client that made them
  client_.reset();
  poll_.reset();  // frees the watch and the timeout with it
  wake_watch_ = nullptr;
  work_ = nullptr;
}

// Any callback that changed something: the next step runs at once.
void PublishLoop::kick() {
  dirty_ = true;
  static constexpr timeval kNow = {0, 0};
  poll_api_->timeout_update(work_, &kNow);
}

void PublishLoop::on_wake(AvahiWatch*, int, AvahiWatchEvent, void* userdata) {
  auto* self = static_cast<PublishLoop*>(userdata);
  self->inbox_.drain();
  self->kick();
}

void PublishLoop::on_work(AvahiTimeout*, void* userdata) {
  auto* self = static_cast<PublishLoop*>(userdata);
  try {
    self->step();
  } catch (const std::exception& e) {  // never into Avahi's C frames
    self->log_.warn("mDNS: publishing: {}", e.what());
    self->arm(Clock::now());
  }
}

// One round: what the caller asked for, then the client, then each name.
void PublishLoop::step() {
  dirty_ = false;
  const auto now = Clock::now();
  auto [wanted, withdraw] = inbox_.take();
  if (withdraw) {
    withdraw_everything();
    return;  // nothing is published after withdraw_all: the timeout stays off
  }
  if (inbox_.withdrawn()) return;
  if (wanted) reconcile(std::move(*wanted));

  if (client_lost_) {
    notes_.tell_waiting(names_, fmt::format("the Avahi daemon went away ({})", avahi_error(lost_error_)));
    drop_client();
  }
  if (!client_ && now >= retry_at_) connect(now);
  if (client_) {
    switch (avahi_client_get_state(client_.get())) {
      case AVAHI_CLIENT_S_RUNNING:
        if (!running_) log_.debug("mdns: publish: the Avahi daemon is running");
        running_ = true;
        notes_.daemon_back();
        advance(now);
        break;
      case AVAHI_CLIENT_S_REGISTERING:
      case AVAHI_CLIENT_S_COLLISION:
        // The laptop's own host name is being (re-)registered: Avahi's rule is to withdraw the
        // groups until the client runs again, then commit them again.
        if (running_) suspend_groups();
        running_ = false;
        break;
      case AVAHI_CLIENT_CONNECTING:
        running_ = false;
        notes_.tell_waiting(names_, "the Avahi daemon is not running");
        break;
      case AVAHI_CLIENT_FAILURE: break;  // on_client set client_lost_: the next step replaces it
    }
  }
  arm(now);
}

// The wake-up for the next step: at once when a callback asked for one, else the earliest
// deadline (a check's end, a retry), else none (an event will wake the thread).
void PublishLoop::arm(Clock::time_point now) {
  auto next = Clock::time_point::max();
  if (!client_) next = retry_at_;
  if (running_) {
    for (const auto& [key, name] : names_) {
      if (name->stage != Name::Stage::checking) continue;
      next = std::min(next, now < name->check_until || name->cached.empty() ? name->check_until
                                                                           : name->check_started + kGoodbyeHold);
    }
  }
  if (dirty_) next = now;
  if (next == Clock::time_point::max()) {
    poll_api_->timeout_update(work_, nullptr);
    return;
  }
  // Avahi's timeouts are on the wall clock.
  timeval at{};
  ::gettimeofday(&at, nullptr);
  const long long ms = mdns::wait_ms(next, now);
  at.tv_sec += static_cast<time_t>(ms / 1000);
  at.tv_usec += static_cast<suseconds_t>((ms % 1000) * 1000);
  if (at.tv_usec >= 1000000) {
    at.tv_sec += 1;
    at.tv_usec -= 1000000;
  }
  poll_api_->timeout_update(work_, &at);
}

void PublishLoop::reconcile(std::vector<PublishedName> names) {
  std::set<std::string> given;
  for (PublishedName& entry : names) {
    if (!given.insert(entry.name).second) {
      log_.debug("mdns: publish: {} given twice; the first entry counts", printable(entry.name));
      continue;
    }
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
        name.stage = Name::Stage::fresh;  // a changed entry is tried again, checked first
        name.told.reset();
        break;
      case Name::Stage::registering:
      case Name::Stage::published:
        // New addresses replace the records at once, without a new check: the name has been
        // ours on the network all along (anyone else announcing it since would have been a
        // conflict, which Avahi reports), and a check would keep the old addresses out there a
        // second longer. Committing again probes the name again all the same: the new records
        // are announced about 1 s after set() (measured), and their cache-flush bit has peers
        // drop the old ones 1 s after that.
        if (records_changed) {
          name.stage = Name::Stage::recommit;
          name.told.reset();
        }
        break;
      case Name::Stage::fresh:
      case Name::Stage::checking:  // its check goes on; the records it ends in are the new ones
      case Name::Stage::recommit: break;
    }
    kick();
  }
  for (auto it = names_.begin(); it != names_.end();) {
    if (given.count(it->first) != 0) {
      ++it;
      continue;
    }
    Name& name = *it->second;
    name.browsers.clear();
    name.group.reset();  // Avahi withdraws the records (goodbye packets) before it returns
    notes_.tell(name, PublishNote::Kind::withdrawn);
    it = names_.erase(it);
  }
  kick();
}

void PublishLoop::connect(Clock::time_point now) {
  int error = AVAHI_OK;
  client_.reset(avahi_client_new(poll_api_, AVAHI_CLIENT_NO_FAIL, on_client, this, &error));
  if (client_) return;
  // Even a NO_FAIL client fails without a D-Bus system bus to wait on.
  notes_.tell_waiting(names_, fmt::format("cannot reach the Avahi daemon ({})", avahi_error(error)));
  retry_at_ = now + kReconnectRetry;
}

// The daemon went away and took every group with it: free ours (Avahi's rule: before the
// client), and check and publish each name again once a new client runs.
void PublishLoop::drop_client() {
  for (auto& [key, name] : names_) {
    name->browsers.clear();
    name->group.reset();  // no D-Bus call: the client is no longer connected
    switch (name->stage) {
      case Name::Stage::checking:
      case Name::Stage::registering:
      case Name::Stage::published:
      case Name::Stage::recommit: name->stage = Name::Stage::fresh; break;
      case Name::Stage::fresh:
      case Name::Stage::taken:
      case Name::Stage::conflict:
      case Name::Stage::failed: break;
    }
  }
  client_.reset();
  client_lost_ = false;
  running_ = false;
  retry_at_ = {};
}

// The laptop's host name is being registered again: withdraw our records until the client runs.
void PublishLoop::suspend_groups() {
  for (auto& [key, name] : names_) {
    if (name->stage != Name::Stage::registering && name->stage != Name::Stage::published) continue;
    log_.debug("mdns: publish: {}: withdrawn while the host name is registered", printable(key));
    avahi_entry_group_reset(name->group.get());
    name->stage = Name::Stage::recommit;
  }
}

void PublishLoop::advance(Clock::time_point now) {
  for (auto& [key, entry] : names_) {
    Name& name = *entry;
    switch (name.stage) {
      case Name::Stage::fresh: start_check(name, now); break;
      case Name::Stage::checking:
        if (!name.answer && now >= name.check_started + kGoodbyeHold && !name.cached.empty()) {
          name.answer = name.cached.front();  // still cached: somebody keeps announcing it
        }
        if (name.answer) {
          end_check(name);
          name.stage = Name::Stage::taken;
          notes_.tell(name, PublishNote::Kind::taken,
                      name.answer_local ? fmt::format("this computer's mDNS responder already has it ({}): "
                                                      "its own host name, or another program's",
                                                      *name.answer)
                                        : fmt::format("another responder answers for it ({})", *name.answer));
        } else if (now >= name.check_until && name.cached.empty()) {
          end_check(name);
          publish(name, now);
        }
        break;
      case Name::Stage::recommit: publish(name, now); break;
      case Name::Stage::registering:
      case Name::Stage::published:
        switch (name.group_state) {
          case AVAHI_ENTRY_GROUP_ESTABLISHED:
            if (name.stage == Name::Stage::registering) {
              log_.debug("mdns: publish: {} established {} ms after its commit", printable(key),
                         elapsed_ms(name.committed));
            }
            name.stage = Name::Stage::published;
            notes_.tell(name, PublishNote::Kind::published);
            break;
          case AVAHI_ENTRY_GROUP_COLLISION:
            name.group.reset();
            name.stage = Name::Stage::conflict;
            notes_.tell(name, PublishNote::Kind::conflict);
            break;
          case AVAHI_ENTRY_GROUP_FAILURE:
            name.group.reset();
            name.stage = Name::Stage::failed;
            notes_.tell(name, PublishNote::Kind::failed, avahi_error(name.group_error));
            break;
          case AVAHI_ENTRY_GROUP_UNCOMMITED:
          case AVAHI_ENTRY_GROUP_REGISTERING: break;
        }
        break;
      case Name::Stage::taken:
      case Name::Stage::conflict:
      case Name::Stage::failed: break;
    }
  }
}

// Record browsers for the name's A and AAAA records, on every interface and protocol, for
// kCheckWindow. Every answer counts, also one the laptop's own daemon gives (flagged
// AVAHI_LOOKUP_RESULT_LOCAL): no name is checked while this publisher has records for it, so
// such an answer is the daemon's host name or another program's records, and Avahi would publish
// ours beside them without a word (address records are added with AVAHI_PUBLISH_ALLOW_MULTIPLE).
// AVAHI_LOOKUP_RESULT_OUR_OWN cannot tell ours apart either: Avahi sets it for service browsers
// only. An answer from the network or from the daemon's records decides at once; one from its
// cache only if it is still there kGoodbyeHold after the check began.
void PublishLoop::start_check(Name& name, Clock::time_point now) {
  name.answer.reset();
  name.answer_local = false;
  name.cached.clear();
  name.check_started = now;
  name.check_until = now + kCheckWindow;
  for (const uint16_t type : {AVAHI_DNS_TYPE_A, AVAHI_DNS_TYPE_AAAA}) {
    RecordBrowserPtr browser(avahi_record_browser_new(client_.get(), AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                      name.entry.name.c_str(), AVAHI_DNS_CLASS_IN, type,
                                                      static_cast<AvahiLookupFlags>(0), on_record, &name));
    if (!browser) {
      name.browsers.clear();
      refused(name, avahi_client_errno(client_.get()));
      return;
    }
    name.browsers.push_back(std::move(browser));
  }
  name.stage = Name::Stage::checking;
  log_.debug("mdns: publish: checking whether anybody announces {}", printable(name.entry.name));
}

void PublishLoop::end_check(Name& name) {
  name.browsers.clear();
  log_.debug("mdns: publish: {}: {} after {} ms", printable(name.entry.name),
             name.answer ? "answered" : "no answer that stayed", elapsed_ms(name.check_started));
}

// The name's records, in its group (made now, or reset when it had one), committed: Avahi probes
// the name, then announces it.
void PublishLoop::publish(Name& name, Clock::time_point now) {
  std::vector<AvahiAddress> addresses;
  for (const std::string& text : name.entry.addresses) {
    AvahiAddress address{};
    if (avahi_address_parse(text.c_str(), AVAHI_PROTO_UNSPEC, &address) == nullptr) {
      // "fe80::1%eth0": a container's link-local address means nothing on the laptop's links.
      log_.debug("mdns: publish: {}: not an address Avahi can publish: {}", printable(name.entry.name),
                 printable(text));
      continue;
    }
    addresses.push_back(address);
  }
  if (addresses.empty()) {
    name.group.reset();
    name.stage = Name::Stage::failed;
    notes_.tell(name, PublishNote::Kind::failed, "no address that can be published");
    return;
  }
  if (name.group) {
    if (const int error = avahi_entry_group_reset(name.group.get()); error < 0) return refused(name, error);
  } else {
    name.group.reset(avahi_entry_group_new(client_.get(), on_group, &name));
    if (!name.group) return refused(name, avahi_client_errno(client_.get()));
  }
  for (const AvahiAddress& address : addresses) {
    const int error = avahi_entry_group_add_address(name.group.get(), AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                    AVAHI_PUBLISH_NO_REVERSE, name.entry.name.c_str(), &address);
    if (error < 0) return refused(name, error);
  }
  if (const int error = avahi_entry_group_commit(name.group.get()); error < 0) return refused(name, error);
  name.group_state = AVAHI_ENTRY_GROUP_UNCOMMITED;  // until the callback says how it goes
  name.committed = now;
  name.stage = Name::Stage::registering;
  log_.debug("mdns: publish: {}: committed {} address(es)", printable(name.entry.name), addresses.size());
}

// Avahi refused a call for the name. When it is the connection to the daemon that failed (it
// went away meanwhile, or hangs), the name is checked again at the next step, which the client's
// callback brings when the daemon is gone; anything else is final.
void PublishLoop::refused(Name& name, int error) {
  name.group.reset();
  const bool connection = error == AVAHI_ERR_DISCONNECTED || error == AVAHI_ERR_DBUS_ERROR ||
                          error == AVAHI_ERR_TIMEOUT || error == AVAHI_ERR_NO_DAEMON;
  if (connection || client_lost_) {
    log_.debug("mdns: publish: {}: {}; trying again", printable(name.entry.name), avahi_error(error));
    name.stage = Name::Stage::fresh;
    return;
  }
  name.stage = Name::Stage::failed;
  notes_.tell(name, PublishNote::Kind::failed, avahi_error(error));
}

void PublishLoop::withdraw_everything() {
  for (auto& [key, name] : names_) {
    name->browsers.clear();
    name->group.reset();  // synchronous: the daemon has withdrawn them and sends the goodbyes
    notes_.tell(*name, PublishNote::Kind::withdrawn);
  }
  names_.clear();
  poll_api_->timeout_update(work_, nullptr);
  inbox_.mark_withdrawn();
}

void PublishLoop::on_client(AvahiClient* client, AvahiClientState state, void* userdata) {
  auto* self = static_cast<PublishLoop*>(userdata);
  if (state == AVAHI_CLIENT_FAILURE) {
    // Freeing the client here, inside its own callback, is what Avahi's example does; doing it
    // in the next step keeps the client's code clear of it.
    self->client_lost_ = true;
    self->lost_error_ = avahi_client_errno(client);
  }
  self->kick();
}

void PublishLoop::on_group(AvahiEntryGroup* group, AvahiEntryGroupState state, void* userdata) {
  // The first call comes from inside avahi_entry_group_new(), before it returned the group.
  auto* name = static_cast<Name*>(userdata);
  name->owner->log_.debug("mdns: publish: {}: group {}", printable(name->entry.name), group_state_name(state));
  name->group_state = state;
  if (state == AVAHI_ENTRY_GROUP_FAILURE) name->group_error = avahi_client_errno(avahi_entry_group_get_client(group));
  name->owner->kick();
}

// An A or AAAA record's address as text ("10.203.0.10"), or what it is when it has none to show.
std::string record_text(AvahiIfIndex interface, uint16_t type, const void* rdata, size_t size) {
  std::string address;
  if (type == AVAHI_DNS_TYPE_A && size == 4) address = mdns::address_text(AF_INET, rdata, mdns::interface_index(interface));
  if (type == AVAHI_DNS_TYPE_AAAA && size == 16) {
    address = mdns::address_text(AF_INET6, rdata, mdns::interface_index(interface));
  }
  if (address.empty()) address = type == AVAHI_DNS_TYPE_A ? "an A record" : "an AAAA record";
  return address;
}

void PublishLoop::on_record(AvahiRecordBrowser*, AvahiIfIndex interface, AvahiProtocol, AvahiBrowserEvent event,
                            const char*, uint16_t clazz, uint16_t type, const void* rdata, size_t size,
                            AvahiLookupResultFlags flags, void* userdata) {
  auto* name = static_cast<Name*>(userdata);
  const Log& log = name->owner->log_;
  switch (event) {
    case AVAHI_BROWSER_NEW: {
      if (clazz != AVAHI_DNS_CLASS_IN) break;
      std::string address = record_text(interface, type, rdata, size);
      log.debug("mdns: publish: {}: answer {} after {} ms (flags {:#x})", printable(name->entry.name), address,
                elapsed_ms(name->check_started), static_cast<unsigned>(flags));
      const bool local = (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
      if ((flags & AVAHI_LOOKUP_RESULT_CACHED) != 0 && !local) {
        if (std::find(name->cached.begin(), name->cached.end(), address) == name->cached.end()) {
          name->cached.push_back(std::move(address));
        }
      } else if (!name->answer) {
        name->answer = std::move(address);
        name->answer_local = local;
      }
      name->owner->kick();
      break;
    }
    case AVAHI_BROWSER_REMOVE: {  // a cached record going: after a goodbye, or at its TTL's end
      if (clazz != AVAHI_DNS_CLASS_IN) break;
      const std::string address = record_text(interface, type, rdata, size);
      log.debug("mdns: publish: {}: {} went after {} ms", printable(name->entry.name), address,
                elapsed_ms(name->check_started));
      std::erase(name->cached, address);
      name->owner->kick();
      break;
    }
    case AVAHI_BROWSER_CACHE_EXHAUSTED:
    case AVAHI_BROWSER_ALL_FOR_NOW:
      log.debug("mdns: publish: {}: {} {} after {} ms", printable(name->entry.name),
                type == AVAHI_DNS_TYPE_A ? "A" : "AAAA",
                event == AVAHI_BROWSER_ALL_FOR_NOW ? "all for now" : "cache read", elapsed_ms(name->check_started));
      break;
    case AVAHI_BROWSER_FAILURE: break;  // the daemon going away: the client's callback handles it
  }
}

}  // namespace

std::unique_ptr<Publisher> make_avahi_publisher(const Log& log, PublishNotify notify) {
  return std::make_unique<mdns::ThreadedPublisher<PublishLoop>>(log, std::move(notify));
}

}  // namespace lxhost

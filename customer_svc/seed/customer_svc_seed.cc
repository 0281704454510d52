// customer_svc_seed: fills a running customer_svc with a realistic demo
// dataset through its public gRPC API (scripts/run runs it after every start).
//
//   customer_svc_seed --target=127.0.0.1:50051 --token_file=.local/dev.token
//
// The dataset is generated from a fixed pseudo-random seed, and every write
// carries a request_id derived from what it writes ("seed-v1-..."), so running
// the seed again replays the same requests and creates nothing new. Customers
// arrive in one ImportCustomers stream; employees, account assignments,
// purchases, interactions and service cases through their Create RPCs. A
// service the binary does not serve (UNIMPLEMENTED) is skipped with a note.
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/flags.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/customer/v1/employee_service.grpc.pb.h"
#include "crm/customer/v1/interaction_service.grpc.pb.h"
#include "crm/customer/v1/purchase_service.grpc.pb.h"
#include "crm/customer/v1/service_case_service.grpc.pb.h"

namespace crm::customer {
namespace {

constexpr int kCustomers = 3000;
constexpr int kRowsPerMessage = 1000;
constexpr int kThreads = 8;
constexpr char kPrefix[] = "seed-v1";

using Rng = std::mt19937_64;

template <typename T, size_t N>
const T& Pick(Rng& rng, const std::array<T, N>& items) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}
int Between(Rng& rng, int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); }
bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

struct Country {
  const char* region;
  const char* phone_prefix;
  const char* legal_form;
  std::array<const char*, 4> cities;
  std::array<const char*, 4> streets;
};
const std::array<Country, 6> kCountries = {{
    {"DE", "+49 30 ", "GmbH", {"Berlin", "Hamburg", "München", "Köln"},
     {"Hauptstraße", "Bahnhofstraße", "Gartenweg", "Industriestraße"}},
    {"GB", "+44 20 ", "Ltd", {"London", "Manchester", "Leeds", "Bristol"},
     {"High Street", "Station Road", "Church Lane", "Mill Road"}},
    {"US", "+1 415 ", "Inc", {"San Francisco", "Austin", "Chicago", "Boston"},
     {"Main Street", "Market Street", "Oak Avenue", "Harbor Drive"}},
    {"FR", "+33 1 ", "SAS", {"Paris", "Lyon", "Toulouse", "Nantes"},
     {"Rue de la Paix", "Avenue Victor Hugo", "Rue du Moulin", "Boulevard Voltaire"}},
    {"NL", "+31 20 ", "BV", {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"},
     {"Damrak", "Kerkstraat", "Stationsweg", "Havenstraat"}},
    {"SE", "+46 8 ", "AB", {"Stockholm", "Göteborg", "Malmö", "Uppsala"},
     {"Storgatan", "Kungsgatan", "Drottninggatan", "Sveavägen"}},
}};
const std::array<const char*, 24> kNameStems = {
    "Nord", "Alpen", "Blue", "Silver", "Rhein", "Atlas", "Nova", "Helix", "Orbit", "Vertex",
    "Pioneer", "Summit", "Harbor", "Cedar", "Granite", "Lumen", "Quantum", "Apex", "Evergreen",
    "Falcon", "Meridian", "Polar", "Sterling", "Aurora"};
const std::array<const char*, 16> kNameTrades = {
    "Logistics", "Foods", "Systems", "Analytics", "Energy", "Textiles", "Pharma", "Robotics",
    "Consulting", "Retail", "Media", "Motors", "Labs", "Software", "Construction", "Finance"};
const std::array<const char*, 16> kFirstNames = {
    "Anna", "Lukas", "Sophie", "Jonas", "Emma", "Noah", "Mia", "Liam",
    "Léa", "Oskar", "Zoë", "Mateo", "Ingrid", "Sven", "Aisha", "Kenji"};
const std::array<const char*, 16> kLastNames = {
    "Müller", "Schmidt", "Smith", "Johnson", "Dubois", "Martin", "de Vries", "Jansen",
    "Andersson", "Lindqvist", "García", "Rossi", "Nowak", "Okafor", "Tanaka", "O'Brien"};
const std::array<const char*, 8> kNeeds = {"logistics", "analytics", "cloud",  "support",
                                           "training",  "security",  "hardware", "sustainability"};
const std::array<const char*, 4> kCampaigns = {"spring-fair-2026", "webinar-q3", "newsletter",
                                               "partner-summit"};

struct Product {
  const char* sku;
  const char* description;
  int64_t unit_price_minor;
};
const std::array<Product, 10> kProducts = {{
    {"RACK-200", "Pallet rack, 2 m", 12900},
    {"SCAN-X5", "Barcode scanner X5", 34900},
    {"LIC-ANALYTICS", "Analytics licence, 1 year", 480000},
    {"SUP-GOLD", "Gold support plan, 1 year", 250000},
    {"SENS-T1", "Temperature sensor T1", 4900},
    {"TRAIN-DAY", "On-site training day", 120000},
    {"ROBOT-ARM", "Collaborative robot arm", 2450000},
    {"CABLE-10", "Network cable, 10 m", 1500},
    {"CLOUD-TB", "Cloud storage, 1 TB per month", 2300},
    {"CONSULT-H", "Consulting hour", 15000},
}};

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return slug;
}

google::protobuf::Timestamp Time(int64_t unix_seconds) {
  google::protobuf::Timestamp time;
  time.set_seconds(unix_seconds);
  return time;
}

// Fixed dates keep the requests (and so their request_ids' bodies) stable
// across runs: purchases and interactions between these two instants.
constexpr int64_t kHistoryStart = 1748736000;  // 2025-06-01
constexpr int64_t kHistoryEnd = 1764547200;    // 2025-12-01 (+ up to a year)

// One generated customer and how active it is.
struct SeedCustomer {
  v1::ImportRow row;
  int purchases = 0;
  int interactions = 0;
  bool service_case = false;
};

std::vector<SeedCustomer> GenerateCustomers() {
  Rng rng(20261201);
  std::vector<SeedCustomer> customers;
  std::set<std::string> domains;
  for (int n = 0; n < kCustomers; ++n) {
    SeedCustomer seed;
    seed.row.set_row_id(absl::StrCat("seed-", n + 1));
    v1::Customer& c = *seed.row.mutable_customer();
    const Country& country = Pick(rng, kCountries);
    const bool person = Chance(rng, 0.25);
    if (person) {
      const std::string first = Pick(rng, kFirstNames), last = Pick(rng, kLastNames);
      c.set_kind(v1::CUSTOMER_KIND_PERSON);
      c.set_display_name(absl::StrCat(first, " ", last));
      c.set_email(absl::StrCat(Slug(first), ".", Slug(last), n + 1, "@mail.example"));
    } else {
      const std::string stem = Pick(rng, kNameStems), trade = Pick(rng, kNameTrades);
      c.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
      c.set_display_name(absl::StrCat(stem, " ", trade, " ", country.legal_form));
      const std::string region = absl::AsciiStrToLower(country.region);
      const std::string tld = region == "gb" ? "co.uk" : region;
      std::string domain = absl::StrCat(Slug(stem), Slug(trade), ".", tld);
      for (int suffix = 2; !domains.insert(domain).second; ++suffix) {
        domain = absl::StrCat(Slug(stem), Slug(trade), suffix, ".", tld);
      }
      c.mutable_organization_key()->set_web_domain(domain);
      if (Chance(rng, 0.5)) {
        c.mutable_organization_key()->set_tax_id(
            absl::StrFormat("%s%09d", country.region, 100000000 + n * 7919 % 899999999));
      }
      c.set_email(absl::StrCat("info@", domain));
      crm::common::v1::ContactPerson& contact = *c.add_contacts();
      contact.set_display_name(absl::StrCat(Pick(rng, kFirstNames), " ", Pick(rng, kLastNames)));
      contact.set_role(Chance(rng, 0.5) ? "Head of Purchasing" : "Operations Manager");
      contact.set_email(absl::StrCat("purchasing@", domain));
      contact.set_primary(true);
    }
    c.set_phone(absl::StrCat(country.phone_prefix, Between(rng, 1000000, 9999999)));
    crm::common::v1::PostalAddress& address = *c.mutable_postal_address();
    address.add_address_lines(absl::StrCat(Pick(rng, country.streets), " ", Between(rng, 1, 180)));
    address.set_locality(Pick(rng, country.cities));
    address.set_postal_code(absl::StrCat(Between(rng, 10000, 99999)));
    address.set_region_code(country.region);

    const int tier_roll = Between(rng, 1, 100);
    c.set_tier(tier_roll <= 60   ? v1::TIER_STANDARD
               : tier_roll <= 85 ? v1::TIER_SILVER
               : tier_roll <= 96 ? v1::TIER_GOLD
                                 : v1::TIER_PLATINUM);
    const int stage_roll = Between(rng, 1, 100);
    c.set_lifecycle_stage(stage_roll <= 25   ? v1::LIFECYCLE_STAGE_LEAD
                          : stage_roll <= 45 ? v1::LIFECYCLE_STAGE_PROSPECT
                          : stage_roll <= 85 ? v1::LIFECYCLE_STAGE_ACTIVE
                          : stage_roll <= 92 ? v1::LIFECYCLE_STAGE_AT_RISK
                          : stage_roll <= 98 ? v1::LIFECYCLE_STAGE_CHURNED
                                             : v1::LIFECYCLE_STAGE_WON_BACK);
    std::set<std::string> tags;
    for (int t = Between(rng, 0, 3); t > 0; --t) tags.insert(Pick(rng, kNeeds));
    for (const std::string& tag : tags) c.mutable_needs()->add_tags(tag);
    if (!tags.empty()) c.mutable_needs()->set_text("Asked about " + *tags.begin() + " at first contact.");
    if (Chance(rng, 0.4)) {
      c.mutable_source()->set_kind(v1::SOURCE_KIND_CAMPAIGN);
      c.mutable_source()->set_campaign(Pick(rng, kCampaigns));
    } else {
      c.mutable_source()->set_kind(v1::SOURCE_KIND_DIRECT);
    }
    if (Chance(rng, 0.4)) {
      c.mutable_consents()->mutable_marketing()->set_granted(true);
      c.mutable_consents()->mutable_marketing()->set_evidence("opt-in on the web form");
    }

    const bool buying = c.lifecycle_stage() >= v1::LIFECYCLE_STAGE_ACTIVE;
    const int tier_weight = static_cast<int>(c.tier());
    seed.purchases = buying ? Between(rng, 1, 2 + tier_weight) : 0;
    seed.interactions = c.lifecycle_stage() == v1::LIFECYCLE_STAGE_LEAD ? Between(rng, 0, 1)
                                                                         : Between(rng, 1, 4);
    seed.service_case = buying && Chance(rng, 0.15);
    customers.push_back(std::move(seed));
  }
  return customers;
}

// Counts the outcome of the seed's calls of one kind.
struct Tally {
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::atomic<bool> unimplemented{false};
  std::mutex mu;
  std::string first_error;

  void Record(const grpc::Status& status) {
    if (status.ok() || status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++ok;
      return;
    }
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      unimplemented = true;
      return;
    }
    ++failed;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) {
      first_error = absl::StrCat(status.error_code(), ": ", status.error_message());
    }
  }
  std::string Summary(const std::string& what) {
    if (unimplemented && ok == 0) return absl::StrCat(what, ": not served by this build, skipped");
    std::string text = absl::StrCat(what, ": ", ok.load());
    if (failed > 0) absl::StrAppend(&text, " (", failed.load(), " failed, first: ", first_error, ")");
    return text;
  }
};

// Runs `call` (a unary RPC with a fresh context each time) and retries the
// codes that mean "try again": ABORTED (deadlock) and UNAVAILABLE. Retrying is
// safe because every write carries its request_id.
template <typename Call>
grpc::Status WithRetries(const Call& call) {
  grpc::Status status;
  for (int attempt = 0; attempt < 4; ++attempt) {
    status = call();
    if (status.error_code() != grpc::StatusCode::ABORTED &&
        status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
  }
  return status;
}

class Seeder {
 public:
  Seeder(std::shared_ptr<grpc::Channel> channel, std::string token)
      : channel_(std::move(channel)), token_(std::move(token)) {}

  int Run() {
    std::vector<SeedCustomer> customers = GenerateCustomers();
    const int64_t before = LiveCustomers();
    std::vector<std::string> names = ImportCustomers(customers);
    if (names.empty()) return 1;
    std::vector<std::string> employees = CreateEmployees();
    RunParallel(customers.size(), [&](size_t i) { SeedChildren(customers[i], names[i], employees, i); });
    const int64_t after = LiveCustomers();

    std::cout << "customer_svc_seed: dataset of " << customers.size() << " customers ("
              << after - before << " new now, " << after << " live in all)\n"
              << "  " << employees_.Summary("employees") << "\n"
              << "  " << assignments_.Summary("account assignments") << "\n"
              << "  " << purchases_.Summary("purchases") << "\n"
              << "  " << interactions_.Summary("interactions") << "\n"
              << "  " << cases_.Summary("service cases") << "\n"
              << "Seeding again creates nothing new (fixed request ids). Try:\n"
              << "  tools/crm-call " << target_ << " crm.customer.v1.CustomerService/GetCustomerSummary '{}'\n"
              << "  tools/crm-call " << target_
              << " crm.customer.v1.CustomerService/ListCustomers '{\"filter\": \"tier = PLATINUM AND "
                 "lifecycle_stage = ACTIVE\", \"pageSize\": 5}'\n";
    return 0;
  }

  void set_target(std::string target) { target_ = std::move(target); }

 private:
  void Authorize(grpc::ClientContext& context, absl::Duration timeout = absl::Seconds(30)) {
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }

  int64_t LiveCustomers() {
    auto stub = v1::CustomerService::NewStub(channel_);
    grpc::ClientContext context;
    Authorize(context);
    v1::GetCustomerSummaryResponse response;
    grpc::Status status = stub->GetCustomerSummary(&context, v1::GetCustomerSummaryRequest(), &response);
    return status.ok() ? response.summary().customer_count() : 0;
  }

  // One import of every customer; the names in row order ({} on failure).
  std::vector<std::string> ImportCustomers(const std::vector<SeedCustomer>& customers) {
    auto stub = v1::CustomerService::NewStub(channel_);
    grpc::ClientContext context;
    Authorize(context, absl::Minutes(5));
    v1::ImportCustomersResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer =
        stub->ImportCustomers(&context, &response);
    for (size_t begin = 0; begin < customers.size(); begin += kRowsPerMessage) {
      v1::ImportCustomersRequest message;
      if (begin == 0) {
        message.set_mode(v1::IMPORT_MODE_CREATE);
        message.set_request_id(absl::StrCat(kPrefix, "-customers"));
      }
      for (size_t i = begin; i < std::min(customers.size(), begin + kRowsPerMessage); ++i) {
        *message.add_rows() = customers[i].row;
      }
      if (!writer->Write(message)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) {
      std::cerr << "customer_svc_seed: ImportCustomers failed: " << status.error_code() << " "
                << status.error_message() << "\n";
      return {};
    }
    std::vector<std::string> names;
    for (const v1::ImportRowResult& result : response.results()) {
      if (result.outcome() != v1::IMPORT_ROW_OUTCOME_CREATED) {
        std::cerr << "customer_svc_seed: row " << result.row_id() << " was not created: "
                  << result.error_message() << "\n";
      }
      names.push_back(result.customer());
    }
    return names;
  }

  std::vector<std::string> CreateEmployees() {
    static constexpr std::array<std::pair<const char*, v1::EmployeeRole>, 12> kStaff = {{
        {"Hanna Becker", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER},
        {"Tom Fischer", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER},
        {"Priya Natarajan", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER},
        {"Marc Lefèvre", v1::EMPLOYEE_ROLE_ACCOUNT_MANAGER},
        {"Julia Novak", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE},
        {"Omar Haddad", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE},
        {"Elin Karlsson", v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE},
        {"David Chen", v1::EMPLOYEE_ROLE_SALES_MANAGER},
        {"Grace Mensah", v1::EMPLOYEE_ROLE_SERVICE_AGENT},
        {"Felix Wagner", v1::EMPLOYEE_ROLE_SERVICE_AGENT},
        {"Sara Rossi", v1::EMPLOYEE_ROLE_SERVICE_AGENT},
        {"Ben Okoro", v1::EMPLOYEE_ROLE_SERVICE_MANAGER},
    }};
    auto stub = v1::EmployeeService::NewStub(channel_);
    std::vector<std::string> names;
    for (size_t i = 0; i < kStaff.size(); ++i) {
      v1::CreateEmployeeRequest request;
      v1::Employee& employee = *request.mutable_employee();
      employee.set_display_name(kStaff[i].first);
      employee.set_email(absl::StrCat("staff", i + 1, "@crm.example"));
      employee.set_role(kStaff[i].second);
      employee.set_team(kStaff[i].second == v1::EMPLOYEE_ROLE_SERVICE_AGENT ||
                                kStaff[i].second == v1::EMPLOYEE_ROLE_SERVICE_MANAGER
                            ? "service"
                            : "sales");
      employee.set_max_accounts(400);
      employee.set_accepts_assignments(true);
      request.set_request_id(absl::StrCat(kPrefix, "-employee-", i + 1));
      grpc::ClientContext context;
      Authorize(context);
      v1::CreateEmployeeResponse response;
      grpc::Status status = stub->CreateEmployee(&context, request, &response);
      employees_.Record(status);
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) return {};
      if (status.ok()) names.push_back(response.employee().name());
    }
    return names;
  }

  void SeedChildren(const SeedCustomer& seed, const std::string& customer,
                    const std::vector<std::string>& employees, size_t index) {
    if (customer.empty()) return;
    Rng rng(1000003 * (index + 1));
    const std::string key = absl::StrCat(kPrefix, "-", seed.row.row_id());
    const std::string account_manager =
        employees.empty() ? "" : employees[index % std::min<size_t>(4, employees.size())];
    if (!account_manager.empty() && !assignments_.unimplemented &&
        seed.row.customer().lifecycle_stage() != v1::LIFECYCLE_STAGE_LEAD) {
      auto stub = v1::EmployeeService::NewStub(channel_);
      v1::AssignCustomerRequest request;
      request.set_parent(customer);
      request.set_employee(account_manager);
      request.set_role(v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
      request.set_request_id(key + "-assign");
      v1::AssignCustomerResponse response;
      assignments_.Record(WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return stub->AssignCustomer(&context, request, &response);
      }));
    }
    for (int p = 0; p < seed.purchases && !purchases_.unimplemented; ++p) {
      auto stub = v1::PurchaseService::NewStub(channel_);
      const Product& product = Pick(rng, kProducts);
      v1::CreatePurchaseRequest request;
      request.set_parent(customer);
      v1::Purchase& purchase = *request.mutable_purchase();
      purchase.set_order_reference(absl::StrFormat("SO-%06d", static_cast<int>(index) * 10 + p));
      purchase.set_sku(product.sku);
      purchase.set_description(product.description);
      purchase.set_quantity(Between(rng, 1, 20));
      purchase.mutable_unit_price()->set_amount_minor(product.unit_price_minor);
      purchase.mutable_unit_price()->set_currency_code("EUR");
      *purchase.mutable_purchase_time() =
          Time(kHistoryStart + Between(rng, 0, static_cast<int>(kHistoryEnd - kHistoryStart) + 31536000));
      const int roll = Between(rng, 1, 100);
      purchase.set_status(roll <= 80   ? v1::PURCHASE_STATUS_FULFILLED
                          : roll <= 92 ? v1::PURCHASE_STATUS_OPEN
                          : roll <= 96 ? v1::PURCHASE_STATUS_CANCELLED
                                       : v1::PURCHASE_STATUS_RETURNED);
      purchase.set_supplier(absl::StrCat("suppliers/", Between(rng, 1, 20)));
      request.set_request_id(absl::StrCat(key, "-purchase-", p + 1));
      v1::CreatePurchaseResponse response;
      purchases_.Record(WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return stub->CreatePurchase(&context, request, &response);
      }));
    }
    static constexpr std::array<v1::InteractionChannel, 5> kChannels = {
        v1::INTERACTION_CHANNEL_PHONE_CALL, v1::INTERACTION_CHANNEL_EMAIL,
        v1::INTERACTION_CHANNEL_MEETING, v1::INTERACTION_CHANNEL_VIDEO_CALL,
        v1::INTERACTION_CHANNEL_NOTE};
    static constexpr std::array<const char*, 6> kSubjects = {
        "Quarterly review", "Pricing question", "Delivery follow-up", "Product demo",
        "Renewal discussion", "Onboarding call"};
    for (int k = 0; k < seed.interactions && !interactions_.unimplemented; ++k) {
      auto stub = v1::InteractionService::NewStub(channel_);
      v1::CreateInteractionRequest request;
      request.set_parent(customer);
      v1::Interaction& interaction = *request.mutable_interaction();
      interaction.set_channel(Pick(rng, kChannels));
      if (interaction.channel() != v1::INTERACTION_CHANNEL_NOTE) {
        interaction.set_direction(Chance(rng, 0.6) ? v1::INTERACTION_DIRECTION_OUTBOUND
                                                   : v1::INTERACTION_DIRECTION_INBOUND);
      }
      interaction.set_subject(Pick(rng, kSubjects));
      interaction.set_summary("Discussed current needs and agreed on next steps.");
      const int mood = Between(rng, 1, 10);
      interaction.set_sentiment(mood <= 6   ? v1::SENTIMENT_POSITIVE
                                : mood <= 9 ? v1::SENTIMENT_NEUTRAL
                                            : v1::SENTIMENT_NEGATIVE);
      *interaction.mutable_occur_time() =
          Time(kHistoryStart + Between(rng, 0, static_cast<int>(kHistoryEnd - kHistoryStart)));
      if (!account_manager.empty()) interaction.set_employee(account_manager);
      request.set_request_id(absl::StrCat(key, "-interaction-", k + 1));
      v1::CreateInteractionResponse response;
      interactions_.Record(WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return stub->CreateInteraction(&context, request, &response);
      }));
    }
    if (seed.service_case && !cases_.unimplemented) {
      static constexpr std::array<const char*, 4> kCaseSubjects = {
          "Scanner does not connect", "Invoice shows the wrong amount", "Late delivery",
          "Licence key rejected"};
      auto stub = v1::ServiceCaseService::NewStub(channel_);
      v1::CreateServiceCaseRequest request;
      request.set_parent(customer);
      request.mutable_service_case()->set_subject(Pick(rng, kCaseSubjects));
      request.mutable_service_case()->set_description("Reported by the customer's operations team.");
      request.set_request_id(key + "-case");
      v1::CreateServiceCaseResponse response;
      cases_.Record(WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return stub->CreateServiceCase(&context, request, &response);
      }));
    }
  }

  static void RunParallel(size_t count, const std::function<void(size_t)>& work) {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < count; i = next++) work(i);
      });
    }
    for (std::thread& thread : threads) thread.join();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  std::string target_;
  Tally employees_, assignments_, purchases_, interactions_, cases_;
};

}  // namespace
}  // namespace crm::customer

int main(int argc, char** argv) {
  const std::vector<crm::common::FlagSpec> specs = {
      {"target", "customer_svc gRPC address, host:port", "127.0.0.1:50051", false},
      {"token_file", "file holding a bearer token with customers.read and customers.write",
       ".local/dev.token", false},
  };
  absl::StatusOr<crm::common::ParsedFlags> flags = crm::common::ParseFlags(
      specs, std::vector<std::string>(argv + 1, argv + argc), crm::common::ProcessEnvironment());
  if (!flags.ok()) {
    std::cerr << flags.status().message() << "\n" << crm::common::FlagsHelp(argv[0], specs);
    return 2;
  }
  if (flags->help_requested) {
    std::cout << crm::common::FlagsHelp(argv[0], specs);
    return 0;
  }
  absl::StatusOr<std::string> token =
      crm::common::ReadSecretFile("token_file", flags->values.at("token_file"));
  if (!token.ok()) {
    std::cerr << token.status().message() << "\n";
    return 2;
  }
  const std::string target = flags->values.at("target");
  crm::customer::Seeder seeder(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
                               *std::move(token));
  seeder.set_target(target);
  return seeder.Run();
}

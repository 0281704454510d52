// supplier_svc_seed: fills a running supplier_svc with a realistic demo
// dataset through its public gRPC API (scripts/run runs it after every start).
//
//   supplier_svc_seed --target=127.0.0.1:50052 --token_file=.local/dev.token
//
// The dataset is generated from a fixed pseudo-random seed: 150 suppliers (25
// per category) with qualifications, offerings (several suppliers offer the
// same items at different prices, a few items have one source only), a few
// blanket contracts and about 3,000 purchase orders, most of them confirmed
// and delivered with a quality result, some cancelled, some still open. Every
// create carries a request_id derived from what it writes ("seed-v1-..."), and
// status and order transitions are made only when the current state (read
// back first) needs them, so running the seed again creates and changes
// nothing. A service the binary does not serve (UNIMPLEMENTED) is skipped with
// a note.
//
// Dates: the orders span the year before the day of the first seeding (the
// create day of the seeded suppliers, which a rerun's replays return), so a
// rerun sends the same requests: delivered and cancelled ones are 2 weeks to
// a year old, confirmed and open ones at most 3 weeks. A delivery arrives on
// its promised day (order date + the supplier's longest lead time) or, more
// often the lower the supplier's service rating, up to 10 days late; defect
// rates and ratings vary per supplier too. Validity dates (offerings,
// qualifications, contracts) are fixed (2025-2027). Suppliers keep their
// "seed-v1" request ids; offerings, contracts and orders are "seed-v2" (since
// the orders were dated): a .local seeded by an earlier version keeps its
// data and gets these in addition (remove .local/mariadb for a clean demo).
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/flags.h"
#include "crm/supplier/v1/contract_service.grpc.pb.h"
#include "crm/supplier/v1/offering_service.grpc.pb.h"
#include "crm/supplier/v1/purchase_order_service.grpc.pb.h"
#include "crm/supplier/v1/supplier_service.grpc.pb.h"

namespace crm::supplier {
namespace {

constexpr int kSuppliersPerCategory = 25;
constexpr int kPurchaseOrders = 3000;
constexpr int kThreads = 8;
constexpr char kSupplierPrefix[] = "seed-v1";
constexpr char kPrefix[] = "seed-v2";
constexpr char kCurrency[] = "EUR";

using Rng = std::mt19937_64;

template <typename T, size_t N>
const T& Pick(Rng& rng, const std::array<T, N>& items) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}
int Between(Rng& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}
double Uniform(Rng& rng, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(rng);
}
bool Chance(Rng& rng, double p) { return Uniform(rng, 0, 1) < p; }
// One draw after the other (argument evaluation order is unspecified).
absl::CivilDay RandomDay(Rng& rng, int first_year, int last_year) {
  const int year = Between(rng, first_year, last_year);
  const int month = Between(rng, 1, 12);
  return absl::CivilDay(year, month, Between(rng, 1, 28));
}

crm::common::v1::Date DateOf(absl::CivilDay day) {
  crm::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

crm::common::v1::Money Eur(int64_t minor) {
  crm::common::v1::Money money;
  money.set_amount_minor(minor);
  money.set_currency_code(kCurrency);
  return money;
}

template <size_t N, size_t M>
std::string RandomPerson(Rng& rng, const std::array<const char*, N>& first,
                         const std::array<const char*, M>& last) {
  const std::string given = Pick(rng, first);
  return absl::StrCat(given, " ", Pick(rng, last));
}

std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return slug;
}

// Fixed validity so the request bodies never change between runs.
const absl::CivilDay kValidFrom(2025, 1, 1);
const absl::CivilDay kQualifiedUntil(2027, 12, 31);
const absl::CivilDay kContractEnd(2027, 12, 31);

struct Country {
  const char* region;
  const char* phone_prefix;
  const char* legal_form;
  const char* tld;
  std::array<const char*, 4> cities;
  std::array<const char*, 4> streets;
};
const std::array<Country, 8> kCountries = {{
    {"DE",
     "+49 30 ",
     "GmbH",
     "de",
     {"Stuttgart", "Hamburg", "München", "Dortmund"},
     {"Industriestraße", "Hafenstraße", "Gewerbepark", "Bahnhofstraße"}},
    {"GB",
     "+44 20 ",
     "Ltd",
     "co.uk",
     {"Birmingham", "Manchester", "Leeds", "Sheffield"},
     {"Mill Road", "Station Road", "Canal Street", "Works Lane"}},
    {"US",
     "+1 312 ",
     "Inc",
     "com",
     {"Chicago", "Detroit", "Houston", "Pittsburgh"},
     {"Industrial Parkway", "Commerce Drive", "Harbor Drive", "Main Street"}},
    {"FR",
     "+33 4 ",
     "SAS",
     "fr",
     {"Lyon", "Toulouse", "Lille", "Grenoble"},
     {"Rue de l'Industrie", "Avenue Jean Jaurès", "Zone Artisanale", "Rue du Port"}},
    {"NL",
     "+31 10 ",
     "BV",
     "nl",
     {"Rotterdam", "Eindhoven", "Utrecht", "Tilburg"},
     {"Havenweg", "Industrieweg", "Stationsplein", "Kanaalstraat"}},
    {"PL",
     "+48 22 ",
     "Sp. z o.o.",
     "pl",
     {"Warszawa", "Wrocław", "Poznań", "Łódź"},
     {"ul. Przemysłowa", "ul. Fabryczna", "ul. Portowa", "ul. Długa"}},
    {"IT",
     "+39 02 ",
     "S.r.l.",
     "it",
     {"Milano", "Torino", "Bologna", "Brescia"},
     {"Via Industriale", "Via Roma", "Via dell'Artigianato", "Corso Venezia"}},
    {"SE",
     "+46 31 ",
     "AB",
     "se",
     {"Göteborg", "Malmö", "Västerås", "Linköping"},
     {"Industrigatan", "Hamngatan", "Storgatan", "Verkstadsvägen"}},
}};
const std::array<const char*, 24> kStems = {
    "Nord",    "Alpen",  "Blue",      "Silver", "Rhein",    "Atlas", "Nova",     "Helix",
    "Orbit",   "Vertex", "Pioneer",   "Summit", "Harbor",   "Cedar", "Granite",  "Lumen",
    "Quantum", "Apex",   "Evergreen", "Falcon", "Meridian", "Polar", "Sterling", "Aurora"};
const std::array<const char*, 16> kFirstNames = {
    "Anna", "Lukas", "Sophie", "Jonas", "Emma",   "Noah", "Mia",   "Liam",
    "Léa",  "Oskar", "Zoë",    "Mateo", "Ingrid", "Sven", "Aisha", "Kenji"};
const std::array<const char*, 16> kLastNames = {
    "Müller",    "Schmidt",   "Smith",  "Johnson", "Dubois", "Martin", "de Vries", "Jansen",
    "Andersson", "Lindqvist", "García", "Rossi",   "Nowak",  "Okafor", "Tanaka",   "O'Brien"};
const std::array<const char*, 4> kAssessors = {"Quality team (A. Becker)", "Procurement audit",
                                               "Supplier development (M. Rossi)",
                                               "External auditor TÜV"};

struct Item {
  const char* item;
  const char* description;
  int64_t base_price_minor;  // EUR cents
};

struct Category {
  v1::SupplierCategory category;
  const char* short_name;
  std::array<const char*, 6> trades;
  std::vector<Item> items;  // shared items: several suppliers offer each
  Item sole_source;         // offered by one supplier only
  int order_weight;         // share of the purchase orders
};

const std::vector<Category>& Categories() {
  static const auto* const categories = new std::vector<Category>{
      {v1::SUPPLIER_CATEGORY_RAW_MATERIAL,
       "raw-material",
       {"Metals", "Steel", "Polymers", "Materials", "Chemicals", "Alloys"},
       {{"RM-STEEL-S235", "Steel sheet S235, 2 mm, per tonne", 89000},
        {"RM-ALU-6061", "Aluminium bar 6061, per tonne", 265000},
        {"RM-COPPER-WIRE", "Copper wire 1.5 mm², 100 m reel", 8900},
        {"RM-PP-GRANULATE", "Polypropylene granulate, 25 kg bag", 4200},
        {"RM-ABS-GRANULATE", "ABS granulate, 25 kg bag", 6100},
        {"RM-EPOXY-RESIN", "Epoxy resin, 20 kg drum", 15800},
        {"RM-CARDBOARD", "Corrugated cardboard sheets, pallet", 32000},
        {"RM-LUBRICANT", "Industrial lubricant, 200 l drum", 54000}},
       {"RM-NDFEB-MAGNET", "Sintered NdFeB magnet blanks, 10 kg", 118000},
       20},
      {v1::SUPPLIER_CATEGORY_TECHNOLOGY,
       "technology",
       {"Systems", "Computing", "Networks", "Software", "Digital", "IT Solutions"},
       {{"TECH-LAPTOP-14", "Business laptop 14\", 16 GB", 119000},
        {"TECH-MONITOR-27", "Monitor 27\", QHD", 32900},
        {"TECH-SERVER-2U", "Rack server 2U, 2 CPU", 689000},
        {"TECH-SWITCH-48", "Network switch, 48 ports", 245000},
        {"TECH-LIC-ERP", "ERP user licence, 1 year", 96000},
        {"TECH-LIC-CAD", "CAD seat licence, 1 year", 210000},
        {"TECH-CLOUD-VCPU", "Cloud vCPU, per month", 2900},
        {"TECH-SCANNER-X5", "Barcode scanner X5", 34900}},
       {"TECH-PLC-S5-SPARE", "Legacy PLC S5 spare module", 148000},
       15},
      {v1::SUPPLIER_CATEGORY_COMPONENT,
       "component",
       {"Components", "Parts", "Electronics", "Precision", "Motion", "Fasteners"},
       {{"CMP-BEARING-6204", "Ball bearing 6204-2RS", 320},
        {"CMP-MOTOR-BLDC-200", "BLDC motor 200 W", 8900},
        {"CMP-PCB-CTRL-V2", "Controller PCB v2, assembled", 4700},
        {"CMP-SENSOR-PT100", "Temperature sensor PT100", 1200},
        {"CMP-CONNECTOR-M12", "M12 connector, 8-pin", 450},
        {"CMP-GEARBOX-10", "Planetary gearbox 10:1", 15400},
        {"CMP-PSU-24V", "Power supply 24 V, 240 W", 6800},
        {"CMP-SCREW-M6", "Screw M6x20 A2, box of 1000", 2900},
        {"CMP-HOUSING-ALU", "Aluminium housing, machined", 3900},
        {"CMP-HARNESS-12", "Cable harness, 12-way", 2600}},
       {"CMP-ASIC-CTRL-C", "Custom controller ASIC, rev C", 2400},
       35},
      {v1::SUPPLIER_CATEGORY_CAPITAL,
       "capital",
       {"Leasing", "Capital", "Finance", "Equipment Finance", "Credit", "Asset Partners"},
       {{"CAP-LEASE-CNC", "CNC machining centre lease, per month", 420000},
        {"CAP-LEASE-FORKLIFT", "Forklift lease, per month", 69000},
        {"CAP-FACILITY-FEE", "Working-capital facility fee, per month", 150000},
        {"CAP-LEASE-VAN", "Delivery van lease, per month", 54000},
        {"CAP-FACTORING", "Invoice factoring fee, per 10,000 invoiced", 18000}},
       {"CAP-LEASE-PRESS-800T", "800 t stamping press lease, per month", 910000},
       5},
      {v1::SUPPLIER_CATEGORY_HUMAN_RESOURCES,
       "human-resources",
       {"Staffing", "Personnel", "Talent", "Workforce", "Recruitment", "People Services"},
       {{"HR-TEMP-WAREHOUSE-DAY", "Temporary warehouse worker, per day", 24000},
        {"HR-TEMP-ASSEMBLY-DAY", "Temporary assembly worker, per day", 26000},
        {"HR-CONTRACT-DEV-DAY", "Contract software developer, per day", 72000},
        {"HR-PLACEMENT-FEE", "Permanent placement fee", 1200000},
        {"HR-PAYROLL-EMPLOYEE", "Payroll service, per employee and month", 1400}},
       {"HR-WELDER-CERT-DAY", "Certified orbital welder, per day", 61000},
       13},
      {v1::SUPPLIER_CATEGORY_EXPERTISE,
       "expertise",
       {"Consulting", "Advisory", "Engineering", "Partners", "Auditors", "Legal"},
       {{"EXP-STRATEGY-DAY", "Strategy consulting, per day", 180000},
        {"EXP-AUDIT-ISO9001", "ISO 9001 surveillance audit", 650000},
        {"EXP-LEGAL-HOUR", "Legal advice, per hour", 32000},
        {"EXP-TAX-HOUR", "Tax advice, per hour", 24000},
        {"EXP-LEAN-TRAINING-DAY", "Lean training, per day", 140000},
        {"EXP-ENGINEERING-HOUR", "Engineering consulting, per hour", 14500}},
       {"EXP-EXPORT-CONTROL-HOUR", "Export-control compliance advice, per hour", 41000},
       12},
  };
  return *categories;
}

// Units per order line, by how expensive an item is.
std::pair<int, int> QuantityRange(int64_t price_minor) {
  if (price_minor < 1000) return {200, 2000};
  if (price_minor < 10000) return {20, 300};
  if (price_minor < 100000) return {2, 40};
  return {1, 4};
}

struct SeedOffering {
  const Item* item;
  int64_t price_minor;
  int64_t minimum_quantity;
  int lead_time_days;
  std::string supplier_item_code;
};

struct SeedSupplier {
  int number = 0;  // 1-based
  const Category* category = nullptr;
  v1::Supplier supplier;  // the create body
  v1::SupplierStatus target = v1::SUPPLIER_STATUS_ACTIVE;
  double order_weight = 1;  // relative share of its category's orders
  double defect_rate = 0;
  int rating = 4;  // typical service rating
  std::vector<SeedOffering> offerings;
  int contract = -1;  // index into the contracts, or -1
};

struct SeedContractLine {
  const Item* item;
  int64_t price_minor;
  int64_t committed = 0;
};

struct SeedContract {
  int number = 0;
  int supplier = 0;  // index into suppliers
  std::string title;
  std::vector<SeedContractLine> lines;
};

struct SeedOrderLine {
  const Item* item;
  int64_t quantity;
};

struct SeedOrder {
  int number = 0;
  int supplier = 0;   // index into suppliers
  int contract = -1;  // index into contracts, or -1
  std::vector<SeedOrderLine> lines;
  v1::PurchaseOrderStatus target = v1::PURCHASE_ORDER_STATUS_DELIVERED;
  bool cancel_after_confirm = false;
  int lead_time_days = 7;
  int age_days = 0;   // order date = first seeding day - age_days
  int late_days = 0;  // delivered this many days after the promised date
  int64_t defective = 0;
  int rating = 0;
};

struct Dataset {
  std::vector<SeedSupplier> suppliers;
  std::vector<SeedContract> contracts;
  std::vector<SeedOrder> orders;
};

Dataset Generate() {
  Rng rng(20261201);
  Dataset data;
  std::set<std::string> names, domains;
  const std::vector<Category>& categories = Categories();
  for (size_t c = 0; c < categories.size(); ++c) {
    const Category& category = categories[c];
    for (int k = 0; k < kSuppliersPerCategory; ++k) {
      SeedSupplier seed;
      seed.number = static_cast<int>(data.suppliers.size()) + 1;
      seed.category = &category;
      v1::Supplier& s = seed.supplier;
      const Country& country = Pick(rng, kCountries);
      std::string stem, trade, display;
      do {
        stem = Pick(rng, kStems);
        trade = Pick(rng, category.trades);
        display = absl::StrCat(stem, " ", trade);
      } while (!names.insert(display).second);
      s.set_display_name(display);
      s.set_legal_name(absl::StrCat(display, " ", country.legal_form));
      std::string domain = absl::StrCat(Slug(stem), Slug(trade), ".", country.tld);
      for (int suffix = 2; !domains.insert(domain).second; ++suffix) {
        domain = absl::StrCat(Slug(stem), Slug(trade), suffix, ".", country.tld);
      }
      s.mutable_organization_key()->set_web_domain(domain);
      if (Chance(rng, 0.6)) {
        s.mutable_organization_key()->set_tax_id(
            absl::StrFormat("%s%09d", country.region, 100000000 + seed.number * 7919 % 899999999));
      }
      crm::common::v1::ContactPerson& sales = *s.add_contacts();
      sales.set_display_name(RandomPerson(rng, kFirstNames, kLastNames));
      sales.set_role("Key Account Manager");
      sales.set_email(absl::StrCat("sales@", domain));
      sales.set_phone(absl::StrCat(country.phone_prefix, Between(rng, 1000000, 9999999)));
      sales.set_primary(true);
      if (Chance(rng, 0.5)) {
        crm::common::v1::ContactPerson& quality = *s.add_contacts();
        quality.set_display_name(RandomPerson(rng, kFirstNames, kLastNames));
        quality.set_role("Quality Manager");
        quality.set_email(absl::StrCat("quality@", domain));
      }
      crm::common::v1::PostalAddress& address = *s.mutable_postal_address();
      address.add_address_lines(
          absl::StrCat(Pick(rng, country.streets), " ", Between(rng, 1, 180)));
      address.set_locality(Pick(rng, country.cities));
      address.set_postal_code(absl::StrCat(Between(rng, 10000, 99999)));
      address.set_region_code(country.region);
      s.add_categories(category.category);
      const bool second = Chance(rng, 0.2);
      const Category& other = categories[(c + 1) % categories.size()];
      if (second) s.add_categories(other.category);

      // Qualifications: the main category approved (some with conditions),
      // a second category assessed too.
      v1::Qualification& q = *s.add_qualifications();
      q.set_category(category.category);
      q.set_state(Chance(rng, 0.85) ? v1::QUALIFICATION_STATE_APPROVED
                                    : v1::QUALIFICATION_STATE_CONDITIONAL);
      *q.mutable_valid_from() = DateOf(RandomDay(rng, 2025, 2025));
      *q.mutable_valid_until() = DateOf(kQualifiedUntil);
      q.set_note(q.state() == v1::QUALIFICATION_STATE_APPROVED
                     ? "ISO 9001 certificate on file; audit passed."
                     : "Approved on condition of a corrective action plan for late deliveries.");
      q.set_assessed_by(Pick(rng, kAssessors));
      if (second) {
        v1::Qualification& q2 = *s.add_qualifications();
        q2.set_category(other.category);
        q2.set_state(Chance(rng, 0.5) ? v1::QUALIFICATION_STATE_CONDITIONAL
                                      : v1::QUALIFICATION_STATE_REJECTED);
        *q2.mutable_valid_from() = DateOf(absl::CivilDay(2025, 6, 1));
        *q2.mutable_valid_until() = DateOf(absl::CivilDay(2026, 12, 31));
        q2.set_note(q2.state() == v1::QUALIFICATION_STATE_REJECTED
                        ? "Capacity audit failed; reassess next year."
                        : "Trial orders only until the second audit.");
        q2.set_assessed_by(Pick(rng, kAssessors));
      }
      const int integration = Between(rng, 1, 100);
      s.set_integration_level(integration <= 35   ? v1::INTEGRATION_LEVEL_NONE
                              : integration <= 65 ? v1::INTEGRATION_LEVEL_PORTAL
                              : integration <= 85 ? v1::INTEGRATION_LEVEL_EDI
                                                  : v1::INTEGRATION_LEVEL_API);
      if (s.integration_level() >= v1::INTEGRATION_LEVEL_EDI && Chance(rng, 0.7)) {
        v1::DataSharingAgreement& dsa = *s.mutable_data_sharing_agreement();
        dsa.set_state(v1::DATA_SHARING_AGREEMENT_STATE_SIGNED);
        dsa.set_scope("customer demand forecasts, inventory levels");
        *dsa.mutable_signed_date() = DateOf(RandomDay(rng, 2025, 2025));
        dsa.set_document_uri(absl::StrCat("https://docs.crm.example/dsa/", Slug(display), ".pdf"));
      } else if (Chance(rng, 0.1)) {
        s.mutable_data_sharing_agreement()->set_state(v1::DATA_SHARING_AGREEMENT_STATE_NEGOTIATING);
        s.mutable_data_sharing_agreement()->set_scope("inventory levels");
      }
      *s.mutable_relationship_start_date() = DateOf(RandomDay(rng, 2008, 2025));

      // Status: a few stay PROSPECTIVE (no offerings yet, no orders).
      const int status_roll = Between(rng, 1, 100);
      seed.target = status_roll <= 4    ? v1::SUPPLIER_STATUS_PROSPECTIVE
                    : status_roll <= 12 ? v1::SUPPLIER_STATUS_ON_HOLD
                    : status_roll <= 30 ? v1::SUPPLIER_STATUS_PREFERRED
                                        : v1::SUPPLIER_STATUS_ACTIVE;
      // Spend is skewed: a few large suppliers, a long tail.
      seed.order_weight = std::pow(Uniform(rng, 0.05, 1.0), 2.5) * 10 +
                          (seed.target == v1::SUPPLIER_STATUS_PREFERRED ? 3 : 0);
      const int quality = Between(rng, 1, 100);
      seed.defect_rate = quality <= 55 ? 0 : quality <= 80 ? 0.005 : quality <= 93 ? 0.02 : 0.07;
      seed.rating = quality <= 55 ? 5 : quality <= 80 ? 4 : quality <= 93 ? 3 : 2;

      // Offerings: a handful of the category's shared items at its own price;
      // the first supplier of each category also holds the sole-source item.
      if (seed.target != v1::SUPPLIER_STATUS_PROSPECTIVE) {
        std::vector<const Item*> items;
        for (const Item& item : category.items) items.push_back(&item);
        std::shuffle(items.begin(), items.end(), rng);
        const int count = std::min<int>(items.size(), Between(rng, 3, 6));
        items.resize(count);
        if (k == 0) items.push_back(&category.sole_source);
        const double price_level = Uniform(rng, 0.85, 1.2);
        for (const Item* item : items) {
          SeedOffering offering;
          offering.item = item;
          offering.price_minor =
              std::max<int64_t>(1, static_cast<int64_t>(item->base_price_minor * price_level *
                                                        Uniform(rng, 0.95, 1.05)));
          offering.minimum_quantity = item->base_price_minor < 1000 ? 100 : 1;
          offering.lead_time_days = Between(rng, 2, 30);
          offering.supplier_item_code = absl::StrFormat(
              "%s-%05d", absl::AsciiStrToUpper(Slug(stem)).substr(0, 3), Between(rng, 1000, 99999));
          seed.offerings.push_back(offering);
        }
      }
      data.suppliers.push_back(std::move(seed));
    }
  }

  // Blanket contracts with the first PREFERRED supplier (not put on hold) of
  // some categories; two in COMPONENT.
  const v1::SupplierCategory contract_categories[] = {
      v1::SUPPLIER_CATEGORY_COMPONENT,       v1::SUPPLIER_CATEGORY_COMPONENT,
      v1::SUPPLIER_CATEGORY_RAW_MATERIAL,    v1::SUPPLIER_CATEGORY_TECHNOLOGY,
      v1::SUPPLIER_CATEGORY_HUMAN_RESOURCES, v1::SUPPLIER_CATEGORY_EXPERTISE};
  for (v1::SupplierCategory category : contract_categories) {
    for (size_t i = 0; i < data.suppliers.size(); ++i) {
      SeedSupplier& s = data.suppliers[i];
      if (s.category->category != category || s.target != v1::SUPPLIER_STATUS_PREFERRED ||
          s.contract >= 0 || s.offerings.size() < 2) {
        continue;
      }
      SeedContract contract;
      contract.number = static_cast<int>(data.contracts.size()) + 1;
      contract.supplier = static_cast<int>(i);
      contract.title = absl::StrCat("Framework agreement ", s.category->short_name, " 2025-2027 (",
                                    s.supplier.display_name(), ")");
      for (int l = 0; l < 2; ++l) {
        contract.lines.push_back(
            {s.offerings[l].item, std::max<int64_t>(1, s.offerings[l].price_minor * 92 / 100), 0});
      }
      s.contract = static_cast<int>(data.contracts.size());
      data.contracts.push_back(std::move(contract));
      break;
    }
  }

  // Purchase orders: a category by its share, then a supplier of it by its
  // weight (PROSPECTIVE ones take no orders).
  std::vector<int> category_weights;
  for (const Category& category : categories) category_weights.push_back(category.order_weight);
  std::discrete_distribution<int> pick_category(category_weights.begin(), category_weights.end());
  std::vector<std::vector<int>> members(categories.size());
  std::vector<std::discrete_distribution<int>> pick_member;
  for (size_t c = 0; c < categories.size(); ++c) {
    std::vector<double> weights;
    for (size_t i = 0; i < data.suppliers.size(); ++i) {
      const SeedSupplier& s = data.suppliers[i];
      if (s.category == &categories[c] && !s.offerings.empty()) {
        members[c].push_back(static_cast<int>(i));
        weights.push_back(s.order_weight);
      }
    }
    pick_member.emplace_back(weights.begin(), weights.end());
  }
  for (int n = 0; n < kPurchaseOrders; ++n) {
    SeedOrder order;
    order.number = n + 1;
    const int c = pick_category(rng);
    order.supplier = members[c][pick_member[c](rng)];
    const SeedSupplier& s = data.suppliers[order.supplier];
    if (s.contract >= 0 && Chance(rng, 0.6)) {
      order.contract = s.contract;
      SeedContract& contract = data.contracts[s.contract];
      const int line_count = Between(rng, 1, static_cast<int>(contract.lines.size()));
      for (int l = 0; l < line_count; ++l) {
        auto [low, high] = QuantityRange(contract.lines[l].item->base_price_minor);
        const int64_t quantity = Between(rng, low, high);
        order.lines.push_back({contract.lines[l].item, quantity});
        contract.lines[l].committed += quantity;
      }
    } else {
      std::vector<int> picks(s.offerings.size());
      for (size_t i = 0; i < picks.size(); ++i) picks[i] = static_cast<int>(i);
      std::shuffle(picks.begin(), picks.end(), rng);
      const int line_count = std::min<int>(picks.size(), Chance(rng, 0.6) ? 1 : Between(rng, 2, 3));
      for (int l = 0; l < line_count; ++l) {
        const SeedOffering& offering = s.offerings[picks[l]];
        auto [low, high] = QuantityRange(offering.item->base_price_minor);
        order.lines.push_back(
            {offering.item, std::max<int64_t>(offering.minimum_quantity, Between(rng, low, high))});
      }
    }
    int max_lead = 1;
    for (const SeedOffering& offering : s.offerings)
      max_lead = std::max(max_lead, offering.lead_time_days);
    order.lead_time_days = max_lead;
    const int roll = Between(rng, 1, 100);
    if (roll <= 78) {
      order.target = v1::PURCHASE_ORDER_STATUS_DELIVERED;
    } else if (roll <= 84) {
      order.target = v1::PURCHASE_ORDER_STATUS_CANCELLED;
      order.cancel_after_confirm = Chance(rng, 0.5);
    } else if (roll <= 92) {
      order.target = v1::PURCHASE_ORDER_STATUS_CONFIRMED;
    } else {
      order.target = v1::PURCHASE_ORDER_STATUS_OPEN;
    }
    const bool settled = order.target == v1::PURCHASE_ORDER_STATUS_DELIVERED ||
                         order.target == v1::PURCHASE_ORDER_STATUS_CANCELLED;
    order.age_days = settled ? Between(rng, order.lead_time_days + 11, 364) : Between(rng, 0, 20);
    if (Chance(rng, 0.06 * (5 - s.rating))) order.late_days = Between(rng, 1, 10);
    int64_t units = 0;
    for (const SeedOrderLine& line : order.lines) units += line.quantity;
    if (s.defect_rate > 0) {
      order.defective = std::min<int64_t>(
          units, static_cast<int64_t>(units * s.defect_rate * Uniform(rng, 0, 2) + 0.5));
    }
    order.rating = std::clamp(s.rating + Between(rng, -1, 1), 1, 5);
    if (Chance(rng, 0.15)) order.rating = 0;  // not rated
    data.orders.push_back(std::move(order));
  }
  // Committed volume: what the seed orders against the contract, plus room.
  for (SeedContract& contract : data.contracts) {
    for (SeedContractLine& line : contract.lines) line.committed = line.committed * 5 / 4 + 100;
  }
  return data;
}

// Counts the outcome of the seed's calls of one kind: created now, already
// there (a replay), changed, failed.
struct Tally {
  std::atomic<int> created{0};
  std::atomic<int> existing{0};
  std::atomic<int> changes{0};
  std::atomic<int> failed{0};
  std::atomic<bool> unimplemented{false};
  std::mutex mu;
  std::string first_error;

  // Returns true when the call succeeded.
  bool Record(const grpc::Status& status, bool replay = false) {
    if (status.ok()) {
      ++(replay ? existing : created);
      return true;
    }
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      unimplemented = true;
      return false;
    }
    Fail(absl::StrCat(status.error_code(), ": ", status.error_message()));
    return false;
  }
  void Fail(const std::string& error) {
    ++failed;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) first_error = error;
  }
  std::string Summary(const std::string& what) {
    if (unimplemented && created == 0 && existing == 0) {
      return absl::StrCat(what, ": not served by this build (UNIMPLEMENTED), skipped");
    }
    std::string text =
        absl::StrCat(what, ": ", created.load() + existing.load(), " (", created.load(), " new, ",
                     existing.load(), " already there; ", changes.load(), " state changes)");
    if (failed > 0) absl::StrAppend(&text, " — ", failed.load(), " failed, first: ", first_error);
    return text;
  }
};

// Runs `call` (a unary RPC with a fresh context each time) and retries the
// codes that mean "try again": ABORTED (deadlock) and UNAVAILABLE. Safe for
// creates (request_id) and reads; transitions re-read the state themselves.
template <typename Call>
grpc::Status WithRetries(const Call& call) {
  grpc::Status status;
  for (int attempt = 0; attempt < 5; ++attempt) {
    status = call();
    if (status.error_code() != grpc::StatusCode::ABORTED &&
        status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
  }
  return status;
}

bool Retryable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::ABORTED ||
         status.error_code() == grpc::StatusCode::UNAVAILABLE;
}

class Seeder {
 public:
  Seeder(std::shared_ptr<grpc::Channel> channel, std::string token, std::string target)
      : channel_(std::move(channel)),
        token_(std::move(token)),
        target_(std::move(target)),
        start_(absl::Now()),
        first_day_(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())) {
    suppliers_stub_ = v1::SupplierService::NewStub(channel_);
    offerings_stub_ = v1::OfferingService::NewStub(channel_);
    contracts_stub_ = v1::ContractService::NewStub(channel_);
    orders_stub_ = v1::PurchaseOrderService::NewStub(channel_);
  }

  int Run() {
    Dataset data = Generate();
    const int64_t before = LiveSuppliers();
    names_.assign(data.suppliers.size(), "");
    RunParallel(data.suppliers.size(), [&](size_t i) { CreateSupplier(data.suppliers[i], i); });
    if (suppliers_.created + suppliers_.existing == 0) {
      std::cerr << "supplier_svc_seed: no supplier could be created: "
                << suppliers_.Summary("suppliers") << "\n";
      return 1;
    }
    // ON_HOLD comes last: on hold, a supplier takes no new orders.
    RunParallel(data.suppliers.size(), [&](size_t i) {
      const SeedSupplier& s = data.suppliers[i];
      EnsureStatus(names_[i],
                   s.target == v1::SUPPLIER_STATUS_ON_HOLD ? v1::SUPPLIER_STATUS_ACTIVE : s.target,
                   s.target);
    });
    RunParallel(data.suppliers.size(), [&](size_t i) { CreateOfferings(data.suppliers[i], i); });
    contract_names_.assign(data.contracts.size(), "");
    for (size_t i = 0; i < data.contracts.size(); ++i) CreateContract(data, i);
    RunParallel(data.orders.size(), [&](size_t i) { CreateOrder(data.orders[i]); });
    RunParallel(data.suppliers.size(), [&](size_t i) {
      if (data.suppliers[i].target == v1::SUPPLIER_STATUS_ON_HOLD) {
        EnsureStatus(names_[i], v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_ON_HOLD);
      }
    });
    const int64_t after = LiveSuppliers();

    std::string component_supplier;
    for (size_t i = 0; i < data.suppliers.size(); ++i) {
      if (data.suppliers[i].category->category == v1::SUPPLIER_CATEGORY_COMPONENT &&
          data.suppliers[i].target == v1::SUPPLIER_STATUS_PREFERRED && !names_[i].empty()) {
        component_supplier = names_[i];
        break;
      }
    }
    std::cout << "supplier_svc_seed: dataset of " << data.suppliers.size() << " suppliers ("
              << after - before << " new now, " << after << " live in all)\n"
              << "  " << suppliers_.Summary("suppliers") << "\n"
              << "  " << offerings_.Summary("offerings") << "\n"
              << "  " << contracts_.Summary("contracts") << "\n"
              << "  " << orders_.Summary("purchase orders") << "\n"
              << "  purchase orders by target status: " << OrderMix(data) << "\n"
              << "Seeding again creates nothing new (fixed request ids, transitions only when "
                 "needed). Try:\n"
              << "  tools/crm-call " << target_
              << " crm.supplier.v1.ConsolidationService/PlanConsolidation "
                 "'{\"category\": \"SUPPLIER_CATEGORY_COMPONENT\", \"targetCount\": 5}'\n"
              << "  tools/crm-call " << target_
              << " crm.supplier.v1.ConsolidationService/ListItemMappings "
                 "'{\"parent\": \"<plan name from PlanConsolidation>\", \"filter\": \"sole_source "
                 "= true\"}'\n"
              << "  tools/crm-call " << target_
              << " crm.supplier.v1.OfferingService/BestPrice '{\"item\": \"CMP-BEARING-6204\", "
                 "\"quantity\": 500}'\n";
    if (!component_supplier.empty()) {
      std::cout << "  tools/crm-call " << target_
                << " crm.supplier.v1.ScorecardService/GetScorecard '{\"supplier\": \""
                << component_supplier << "\"}'\n";
    }
    return 0;
  }

 private:
  void Authorize(grpc::ClientContext& context, absl::Duration timeout = absl::Seconds(30)) {
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }

  // True when a resource was created before this run started (a replay;
  // the service runs on this machine's clock).
  bool Replayed(const google::protobuf::Timestamp& create_time) const {
    return absl::FromUnixSeconds(create_time.seconds()) + absl::Nanoseconds(create_time.nanos()) <
           start_;
  }

  static std::string OrderMix(const Dataset& data) {
    std::map<v1::PurchaseOrderStatus, int> counts;
    for (const SeedOrder& order : data.orders) ++counts[order.target];
    std::string text;
    for (const auto& [status, count] : counts) {
      absl::StrAppend(
          &text, text.empty() ? "" : ", ",
          v1::PurchaseOrderStatus_Name(status).substr(sizeof("PURCHASE_ORDER_STATUS_") - 1), " ",
          count);
    }
    return text;
  }

  int64_t LiveSuppliers() {
    grpc::ClientContext context;
    Authorize(context);
    v1::GetSupplierSummaryResponse response;
    grpc::Status status =
        suppliers_stub_->GetSupplierSummary(&context, v1::GetSupplierSummaryRequest(), &response);
    return status.ok() ? response.summary().supplier_count() : 0;
  }

  void CreateSupplier(const SeedSupplier& seed, size_t index) {
    v1::CreateSupplierRequest request;
    *request.mutable_supplier() = seed.supplier;
    request.set_request_id(absl::StrCat(kSupplierPrefix, "-supplier-", seed.number));
    v1::CreateSupplierResponse response;
    grpc::Status status = WithRetries([&] {
      grpc::ClientContext context;
      Authorize(context);
      return suppliers_stub_->CreateSupplier(&context, request, &response);
    });
    if (suppliers_.Record(status, status.ok() && Replayed(response.supplier().create_time()))) {
      names_[index] = response.supplier().name();
      const absl::CivilDay created = absl::ToCivilDay(
          absl::FromUnixSeconds(response.supplier().create_time().seconds()), absl::UTCTimeZone());
      std::lock_guard<std::mutex> lock(first_day_mu_);
      first_day_ = std::min(first_day_, created);
    }
  }

  // The next legal manual step from `from` towards `to`, or UNSPECIFIED.
  static v1::SupplierStatus NextStatus(v1::SupplierStatus from, v1::SupplierStatus to) {
    switch (from) {
      case v1::SUPPLIER_STATUS_PROSPECTIVE:
      case v1::SUPPLIER_STATUS_ON_HOLD:
        return v1::SUPPLIER_STATUS_ACTIVE;
      case v1::SUPPLIER_STATUS_ACTIVE:
        return to;
      case v1::SUPPLIER_STATUS_PREFERRED:
        return to == v1::SUPPLIER_STATUS_ON_HOLD ? v1::SUPPLIER_STATUS_ON_HOLD
                                                 : v1::SUPPLIER_STATUS_ACTIVE;
      default:
        return v1::SUPPLIER_STATUS_UNSPECIFIED;  // CONSOLIDATED, TERMINATED: final
    }
  }

  // Moves the supplier to `want` step by step, reading its status first. A
  // supplier already in `final_target` (ON_HOLD from an earlier run), or in
  // a final status (e.g. retired by a consolidation run on the demo data), is
  // left as it is.
  void EnsureStatus(const std::string& name, v1::SupplierStatus want,
                    v1::SupplierStatus final_target) {
    if (name.empty() || want == v1::SUPPLIER_STATUS_PROSPECTIVE) return;
    for (int step = 0; step < 8; ++step) {
      v1::GetSupplierRequest get;
      get.set_name(name);
      v1::GetSupplierResponse current;
      grpc::Status status = WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return suppliers_stub_->GetSupplier(&context, get, &current);
      });
      if (!status.ok()) {
        suppliers_.Fail(absl::StrCat("GetSupplier ", name, ": ", status.error_message()));
        return;
      }
      const v1::SupplierStatus from = current.supplier().status();
      if (from == want || from == final_target) return;
      const v1::SupplierStatus next = NextStatus(from, want);
      if (next == v1::SUPPLIER_STATUS_UNSPECIFIED) return;
      v1::ChangeSupplierStatusRequest change;
      change.set_name(name);
      change.set_status(next);
      change.set_etag(current.supplier().etag());
      change.set_reason(next == v1::SUPPLIER_STATUS_ACTIVE ? "Qualification completed"
                        : next == v1::SUPPLIER_STATUS_PREFERRED
                            ? "Strategic supplier after annual review"
                            : "Quality escalation: 8D report pending");
      v1::ChangeSupplierStatusResponse changed;
      grpc::ClientContext context;
      Authorize(context);
      status = suppliers_stub_->ChangeSupplierStatus(&context, change, &changed);
      if (status.ok()) {
        ++suppliers_.changes;
      } else if (!Retryable(status)) {
        suppliers_.Fail(absl::StrCat("ChangeSupplierStatus ", name, ": ", status.error_message()));
        return;
      }
    }
  }

  void CreateOfferings(const SeedSupplier& seed, size_t index) {
    const std::string& supplier = names_[index];
    if (supplier.empty()) return;
    for (const SeedOffering& o : seed.offerings) {
      if (offerings_.unimplemented) return;
      v1::CreateOfferingRequest request;
      v1::Offering& offering = *request.mutable_offering();
      offering.set_supplier(supplier);
      offering.set_item(o.item->item);
      offering.set_supplier_item_code(o.supplier_item_code);
      offering.set_description(o.item->description);
      *offering.mutable_unit_price() = Eur(o.price_minor);
      offering.set_minimum_quantity(o.minimum_quantity);
      offering.set_lead_time_days(o.lead_time_days);
      *offering.mutable_valid_from() = DateOf(kValidFrom);
      request.set_request_id(absl::StrCat(kPrefix, "-offering-", seed.number, "-", o.item->item));
      v1::CreateOfferingResponse response;
      grpc::Status status = WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return offerings_stub_->CreateOffering(&context, request, &response);
      });
      offerings_.Record(status, status.ok() && Replayed(response.offering().create_time()));
    }
  }

  void CreateContract(const Dataset& data, size_t index) {
    if (contracts_.unimplemented) return;
    const SeedContract& seed = data.contracts[index];
    const std::string& supplier = names_[seed.supplier];
    if (supplier.empty()) return;
    v1::CreateContractRequest request;
    v1::Contract& contract = *request.mutable_contract();
    contract.set_supplier(supplier);
    contract.set_title(seed.title);
    *contract.mutable_start_date() = DateOf(kValidFrom);
    *contract.mutable_end_date() = DateOf(kContractEnd);
    for (const SeedContractLine& line : seed.lines) {
      v1::ContractLine& out = *contract.add_lines();
      out.set_item(line.item->item);
      *out.mutable_unit_price() = Eur(line.price_minor);
      out.set_committed_quantity(line.committed);
    }
    request.set_request_id(absl::StrCat(kPrefix, "-contract-", seed.number));
    v1::CreateContractResponse response;
    grpc::Status status = WithRetries([&] {
      grpc::ClientContext context;
      Authorize(context);
      return contracts_stub_->CreateContract(&context, request, &response);
    });
    if (!contracts_.Record(status, status.ok() && Replayed(response.contract().create_time()))) {
      return;
    }
    const std::string name = response.contract().name();
    // Activate when (read back) still DRAFT.
    for (int attempt = 0; attempt < 4; ++attempt) {
      v1::GetContractRequest get;
      get.set_name(name);
      v1::GetContractResponse current;
      status = WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return contracts_stub_->GetContract(&context, get, &current);
      });
      if (!status.ok()) {
        contracts_.Fail(absl::StrCat("GetContract ", name, ": ", status.error_message()));
        return;
      }
      if (current.contract().state() != v1::CONTRACT_STATE_DRAFT) break;
      v1::ActivateContractRequest activate;
      activate.set_name(name);
      activate.set_etag(current.contract().etag());
      v1::ActivateContractResponse activated;
      grpc::ClientContext context;
      Authorize(context);
      status = contracts_stub_->ActivateContract(&context, activate, &activated);
      if (status.ok()) {
        ++contracts_.changes;
        break;
      }
      if (!Retryable(status)) {
        contracts_.Fail(absl::StrCat("ActivateContract ", name, ": ", status.error_message()));
        return;
      }
    }
    contract_names_[index] = name;
  }

  void CreateOrder(const SeedOrder& seed) {
    if (orders_.unimplemented) return;
    const std::string& supplier = names_[seed.supplier];
    if (supplier.empty()) return;
    v1::CreatePurchaseOrderRequest request;
    v1::PurchaseOrder& order = *request.mutable_purchase_order();
    order.set_supplier(supplier);
    if (seed.contract >= 0) {
      if (contract_names_[seed.contract].empty()) return;  // contracts not served
      order.set_contract(contract_names_[seed.contract]);
    }
    *order.mutable_order_date() = DateOf(OrderDay(seed));
    for (const SeedOrderLine& line : seed.lines) {
      v1::PurchaseOrderLine& out = *order.add_lines();
      out.set_item(line.item->item);
      out.set_quantity(line.quantity);  // priced by the service from the offerings / contract
    }
    request.set_request_id(absl::StrCat(kPrefix, "-po-", seed.number));
    v1::CreatePurchaseOrderResponse response;
    grpc::Status status = WithRetries([&] {
      grpc::ClientContext context;
      Authorize(context);
      return orders_stub_->CreatePurchaseOrder(&context, request, &response);
    });
    if (!orders_.Record(status, status.ok() && Replayed(response.purchase_order().create_time()))) {
      return;
    }
    if (seed.target != v1::PURCHASE_ORDER_STATUS_OPEN)
      AdvanceOrder(seed, response.purchase_order().name());
  }

  // Moves an order towards its target, reading its status before each step.
  void AdvanceOrder(const SeedOrder& seed, const std::string& name) {
    for (int step = 0; step < 8; ++step) {
      v1::GetPurchaseOrderRequest get;
      get.set_name(name);
      v1::GetPurchaseOrderResponse current;
      grpc::Status status = WithRetries([&] {
        grpc::ClientContext context;
        Authorize(context);
        return orders_stub_->GetPurchaseOrder(&context, get, &current);
      });
      if (!status.ok()) {
        orders_.Fail(absl::StrCat("GetPurchaseOrder ", name, ": ", status.error_message()));
        return;
      }
      const v1::PurchaseOrder& order = current.purchase_order();
      const v1::PurchaseOrderStatus from = order.status();
      if (from == seed.target || from == v1::PURCHASE_ORDER_STATUS_DELIVERED ||
          from == v1::PURCHASE_ORDER_STATUS_CANCELLED) {
        return;
      }
      grpc::ClientContext context;
      Authorize(context);
      if (seed.target == v1::PURCHASE_ORDER_STATUS_CANCELLED &&
          (from == v1::PURCHASE_ORDER_STATUS_CONFIRMED || !seed.cancel_after_confirm)) {
        v1::CancelPurchaseOrderRequest cancel;
        cancel.set_name(name);
        cancel.set_etag(order.etag());
        cancel.set_reason(seed.cancel_after_confirm ? "Supplier cannot meet the delivery date"
                                                    : "Demand dropped; ordered in error");
        v1::CancelPurchaseOrderResponse cancelled;
        status = orders_stub_->CancelPurchaseOrder(&context, cancel, &cancelled);
      } else if (from == v1::PURCHASE_ORDER_STATUS_OPEN) {
        v1::ConfirmPurchaseOrderRequest confirm;
        confirm.set_name(name);
        confirm.set_etag(order.etag());
        *confirm.mutable_promised_delivery_date() = DateOf(PromisedDay(seed));
        v1::ConfirmPurchaseOrderResponse confirmed;
        status = orders_stub_->ConfirmPurchaseOrder(&context, confirm, &confirmed);
      } else {  // CONFIRMED → DELIVERED
        int64_t units = 0;
        for (const v1::PurchaseOrderLine& line : order.lines()) units += line.quantity();
        const int64_t defective = std::min(units, seed.defective);
        v1::RecordPurchaseOrderDeliveryRequest delivery;
        delivery.set_name(name);
        delivery.set_etag(order.etag());
        *delivery.mutable_actual_delivery_date() =
            DateOf(std::min(first_day_, PromisedDay(seed) + seed.late_days));
        v1::QualityResult& quality = *delivery.mutable_quality_result();
        quality.set_accepted_quantity(units - defective);
        quality.set_defective_quantity(defective);
        quality.set_notes(defective == 0 ? "Incoming inspection passed."
                                         : absl::StrCat(defective,
                                                        " units rejected (dimensions "
                                                        "out of tolerance)."));
        delivery.set_service_rating(seed.rating);
        v1::RecordPurchaseOrderDeliveryResponse delivered;
        status = orders_stub_->RecordPurchaseOrderDelivery(&context, delivery, &delivered);
      }
      if (status.ok()) {
        ++orders_.changes;
      } else if (!Retryable(status)) {
        orders_.Fail(absl::StrCat(name, ": ", status.error_message()));
        return;
      }
    }
  }

  absl::CivilDay OrderDay(const SeedOrder& seed) const {
    return std::max(kValidFrom, first_day_ - seed.age_days);
  }
  absl::CivilDay PromisedDay(const SeedOrder& seed) const {
    return OrderDay(seed) + seed.lead_time_days;
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
  const absl::Time start_;
  // The day of the first seeding: the earliest create day of the suppliers.
  // Written under first_day_mu_ while they are created, read only after.
  std::mutex first_day_mu_;
  absl::CivilDay first_day_;
  std::unique_ptr<v1::SupplierService::Stub> suppliers_stub_;
  std::unique_ptr<v1::OfferingService::Stub> offerings_stub_;
  std::unique_ptr<v1::ContractService::Stub> contracts_stub_;
  std::unique_ptr<v1::PurchaseOrderService::Stub> orders_stub_;
  std::vector<std::string> names_;           // per supplier index; empty when not created
  std::vector<std::string> contract_names_;  // per contract index; empty when not active
  Tally suppliers_, offerings_, contracts_, orders_;
};

}  // namespace
}  // namespace crm::supplier

int main(int argc, char** argv) {
  const std::vector<crm::common::FlagSpec> specs = {
      {"target", "supplier_svc gRPC address, host:port", "127.0.0.1:50052", false},
      {"token_file", "file holding a bearer token with suppliers.read and suppliers.write",
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
  crm::supplier::Seeder seeder(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
                               *std::move(token), target);
  return seeder.Run();
}

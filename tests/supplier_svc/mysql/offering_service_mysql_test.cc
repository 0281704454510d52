// OfferingService with the MySQL repositories against a fresh TestDatabase
// schema carrying supplier_svc's migrations: CRUD with etags, idempotent
// create, keyset paging, soft delete, the overlap rule and BestPrice.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/audit_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/offering_service.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_offering_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/supplier_db_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

crm::common::v1::Date MakeDate(int year, int month, int day) {
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class OfferingServiceMySqlTest : public SupplierDbTest {
 protected:
  OfferingServiceMySqlTest()
      : SupplierDbTest(absl::FromUnixSeconds(1710504000), absl::Seconds(30)),
        supplier_repository_(pool_),
        offering_repository_(pool_),
        suppliers_(supplier_repository_, [this] { return now_; }),
        service_(offering_repository_, [this] { return now_; }) {}

  // A supplier in `status` (reached through the legal moves; CONSOLIDATED is
  // set directly, as only ExecuteConsolidation sets it).
  std::string Supplier(const std::string& display_name, v1::SupplierStatus status) {
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name(display_name);
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
    v1::CreateSupplierResponse created;
    EXPECT_THAT(suppliers_.CreateSupplier(call_, request, created), IsOk());
    const std::string name = created.supplier().name();
    std::vector<v1::SupplierStatus> path;
    switch (status) {
      case v1::SUPPLIER_STATUS_ACTIVE:
        path = {v1::SUPPLIER_STATUS_ACTIVE};
        break;
      case v1::SUPPLIER_STATUS_PREFERRED:
        path = {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_PREFERRED};
        break;
      case v1::SUPPLIER_STATUS_ON_HOLD:
        path = {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_ON_HOLD};
        break;
      case v1::SUPPLIER_STATUS_TERMINATED:
        path = {v1::SUPPLIER_STATUS_TERMINATED};
        break;
      default:
        break;
    }
    for (v1::SupplierStatus to : path) ChangeStatus(name, to);
    if (status == v1::SUPPLIER_STATUS_CONSOLIDATED) {
      EXPECT_THAT(test_support::ExecuteSql(
                      pool_, absl::StrCat("UPDATE suppliers SET status = 5 WHERE id = ",
                                          name.substr(name.find('/') + 1))),
                  IsOk());
    }
    return name;
  }

  void ChangeStatus(const std::string& supplier, v1::SupplierStatus to) {
    v1::ChangeSupplierStatusRequest request;
    request.set_name(supplier);
    request.set_status(to);
    request.set_reason("test");
    v1::ChangeSupplierStatusResponse response;
    EXPECT_THAT(suppliers_.ChangeSupplierStatus(call_, request, response), IsOk());
  }

  v1::Offering Draft(const std::string& supplier, const std::string& item, int64_t unit_minor,
                     const std::string& currency = "EUR") {
    v1::Offering offering;
    offering.set_supplier(supplier);
    offering.set_item(item);
    offering.mutable_unit_price()->set_amount_minor(unit_minor);
    offering.mutable_unit_price()->set_currency_code(currency);
    offering.set_minimum_quantity(1);
    offering.set_lead_time_days(7);
    *offering.mutable_valid_from() = MakeDate(2024, 1, 1);
    return offering;
  }

  absl::StatusOr<v1::Offering> Create(const v1::Offering& offering,
                                      const std::string& request_id = "") {
    v1::CreateOfferingRequest request;
    *request.mutable_offering() = offering;
    request.set_request_id(request_id);
    v1::CreateOfferingResponse response;
    absl::Status status = service_.CreateOffering(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.offering();
  }

  v1::Offering MustCreate(const v1::Offering& offering) {
    absl::StatusOr<v1::Offering> created = Create(offering);
    EXPECT_THAT(created, IsOk());
    return created.value_or(v1::Offering());
  }

  absl::StatusOr<v1::Offering> Get(const std::string& name) {
    v1::GetOfferingRequest request;
    request.set_name(name);
    v1::GetOfferingResponse response;
    absl::Status status = service_.GetOffering(call_, request, response);
    if (!status.ok()) return status;
    return response.offering();
  }

  absl::StatusOr<v1::Offering> Update(const v1::Offering& patch, std::vector<std::string> paths) {
    v1::UpdateOfferingRequest request;
    *request.mutable_offering() = patch;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::UpdateOfferingResponse response;
    absl::Status status = service_.UpdateOffering(call_, request, response);
    if (!status.ok()) return status;
    return response.offering();
  }

  absl::StatusOr<v1::Offering> Delete(const std::string& name, const std::string& etag = "") {
    v1::DeleteOfferingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    v1::DeleteOfferingResponse response;
    absl::Status status = service_.DeleteOffering(call_, request, response);
    if (!status.ok()) return status;
    return response.offering();
  }

  absl::StatusOr<v1::Offering> Undelete(const std::string& name, const std::string& etag = "") {
    v1::UndeleteOfferingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    v1::UndeleteOfferingResponse response;
    absl::Status status = service_.UndeleteOffering(call_, request, response);
    if (!status.ok()) return status;
    return response.offering();
  }

  // Every page of a listing with page_size 2, as offering names.
  std::vector<std::string> ListAll(const std::string& order_by, const std::string& filter,
                                   bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    int pages = 0;
    do {
      v1::ListOfferingsRequest request;
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListOfferingsResponse response;
      absl::Status status = service_.ListOfferings(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok() || ++pages > 20) break;
      EXPECT_LE(response.offerings_size(), 2);
      for (const auto& offering : response.offerings()) names.push_back(offering.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  std::vector<crm::common::v1::AuditEntry> Audit(const std::string& resource) {
    v1::ListAuditEntriesRequest request;
    request.set_resource(resource);
    v1::ListAuditEntriesResponse response;
    EXPECT_THAT(common::ListAuditEntries(pool_, call_, request, response, {"offerings"}), IsOk());
    return {response.audit_entries().begin(), response.audit_entries().end()};
  }

  int64_t CountOfferings() {
    return test_support::QueryInt(pool_, "SELECT COUNT(*) FROM offerings").value_or(-1);
  }

  absl::StatusOr<v1::BestPriceResponse> BestPrice(const std::string& item, int64_t quantity,
                                                  std::optional<crm::common::v1::Date> date,
                                                  const std::string& currency = "",
                                                  int32_t max_lead_time_days = 0) {
    v1::BestPriceRequest request;
    request.set_item(item);
    request.set_quantity(quantity);
    if (date.has_value()) *request.mutable_price_date() = *date;
    request.set_currency_code(currency);
    request.set_max_lead_time_days(max_lead_time_days);
    v1::BestPriceResponse response;
    absl::Status status = service_.BestPrice(call_, request, response);
    if (!status.ok()) return status;
    return response;
  }

  MySqlSupplierRepository supplier_repository_;
  MySqlOfferingRepository offering_repository_;
  SupplierService suppliers_;
  OfferingService service_;
};

TEST_F(OfferingServiceMySqlTest, CreateThenGetReturnsEveryFieldVerbatim) {
  const std::string supplier = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_,
                  "INSERT INTO contracts (id, contract_number, supplier_id, title, start_date,"
                  " end_date, state, currency, committed_minor, ordered_minor, termination_reason,"
                  " version, create_time, update_time) VALUES (41, 'C-41', 1, 'Bolts 2024',"
                  " '2024-01-01', '2024-12-31', 2, 'EUR', 100000, 0, '', 1, NOW(), NOW())"),
              IsOk());
  const std::string hostile = "x'); DROP TABLE offerings; -- \xE2\x9C\x93 \xF0\x9F\x94\xA9";
  const std::string big(9999, 'd');  // + "€": 10000 characters, 10002 bytes
  v1::Offering draft = Draft(supplier, "BOLT-\xC3\x9F", 1999);
  draft.set_name("offerings/999");              // ignored
  draft.set_original_supplier("suppliers/77");  // output only
  draft.set_supplier_item_code(hostile);
  draft.set_description(big + "\xE2\x82\xAC");
  draft.set_minimum_quantity(25);
  draft.set_lead_time_days(12);
  *draft.mutable_valid_until() = MakeDate(2024, 12, 31);
  draft.set_contract("contracts/41");
  absl::StatusOr<v1::Offering> created = Create(draft);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->name(), "offerings/1");
  EXPECT_TRUE(created->original_supplier().empty());
  EXPECT_EQ(created->supplier_item_code(), hostile);
  EXPECT_EQ(created->description(), big + "\xE2\x82\xAC");
  EXPECT_EQ(created->item(), "BOLT-\xC3\x9F");
  EXPECT_EQ(created->unit_price().amount_minor(), 1999);
  EXPECT_EQ(created->unit_price().currency_code(), "EUR");
  EXPECT_EQ(created->minimum_quantity(), 25);
  EXPECT_EQ(created->lead_time_days(), 12);
  EXPECT_EQ(created->valid_until().day(), 31);
  EXPECT_EQ(created->contract(), "contracts/41");
  EXPECT_FALSE(created->etag().empty());
  EXPECT_EQ(created->create_time().seconds(), 1710504000);
  EXPECT_FALSE(created->has_delete_time());

  absl::StatusOr<v1::Offering> read = Get(created->name());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->SerializeAsString(), created->SerializeAsString());

  // Without valid_from the price applies from today; minimum quantity 0 means 1.
  v1::Offering undated = Draft(supplier, "NUT", 10);
  undated.clear_valid_from();
  undated.set_minimum_quantity(0);
  absl::StatusOr<v1::Offering> today = Create(undated);
  ASSERT_THAT(today, IsOk());
  EXPECT_EQ(today->valid_from().year(), 2024);
  EXPECT_EQ(today->valid_from().month(), 3);
  EXPECT_EQ(today->valid_from().day(), 15);
  EXPECT_EQ(today->minimum_quantity(), 1);

  std::vector<crm::common::v1::AuditEntry> audit = Audit(created->name());
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action(), crm::common::v1::AUDIT_ACTION_CREATE);
  EXPECT_EQ(audit[0].actor(), "procurement");

  EXPECT_EQ(Get("offerings/404").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(Get("offerings/404").status()), HasSubstr("offerings/404"));
  EXPECT_EQ(Get("suppliers/1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(OfferingServiceMySqlTest, CreateChecksFieldsSupplierAndContractAndWritesNothingOnError) {
  const std::string active = Supplier("Active", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string other = Supplier("Other", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string terminated = Supplier("Gone", v1::SUPPLIER_STATUS_TERMINATED);
  const std::string consolidated = Supplier("Merged", v1::SUPPLIER_STATUS_CONSOLIDATED);
  const std::string on_hold = Supplier("Paused", v1::SUPPLIER_STATUS_ON_HOLD);
  const std::string prospective = Supplier("New", v1::SUPPLIER_STATUS_PROSPECTIVE);
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_,
                  "INSERT INTO contracts (id, contract_number, supplier_id, title, start_date,"
                  " end_date, state, currency, committed_minor, ordered_minor, termination_reason,"
                  " version, create_time, update_time) VALUES (5, 'C-5', 2, 'Other''s',"
                  " '2024-01-01', '2024-12-31', 2, 'EUR', 100000, 0, '', 1, NOW(), NOW())"),
              IsOk());

  struct Case {
    std::function<void(v1::Offering&)> spoil;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::Offering& o) { o.set_item(""); }, absl::StatusCode::kInvalidArgument,
       "offering.item"},
      {[](v1::Offering& o) { o.mutable_unit_price()->set_currency_code("XXY"); },
       absl::StatusCode::kInvalidArgument, "offering.unit_price.currency_code"},
      {[](v1::Offering& o) { o.set_lead_time_days(-2); }, absl::StatusCode::kInvalidArgument,
       "offering.lead_time_days"},
      {[](v1::Offering& o) { *o.mutable_valid_until() = MakeDate(2023, 1, 1); },
       absl::StatusCode::kInvalidArgument, "offering.valid_until"},
      {[](v1::Offering& o) { o.set_supplier("suppliers/404"); }, absl::StatusCode::kNotFound,
       "offering.supplier: suppliers/404 does not exist"},
      {[&](v1::Offering& o) { o.set_supplier(terminated); }, absl::StatusCode::kFailedPrecondition,
       "is TERMINATED"},
      {[&](v1::Offering& o) { o.set_supplier(consolidated); },
       absl::StatusCode::kFailedPrecondition, "is CONSOLIDATED"},
      {[](v1::Offering& o) { o.set_contract("contracts/404"); }, absl::StatusCode::kNotFound,
       "offering.contract: contracts/404 does not exist"},
      {[](v1::Offering& o) { o.set_contract("contracts/5"); },
       absl::StatusCode::kFailedPrecondition, "contracts/5 is a contract of suppliers/2"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::Offering draft = Draft(active, "SKU", 100);
    cases[i].spoil(draft);
    absl::Status status = Create(draft).status();
    EXPECT_EQ(status.code(), cases[i].code) << "case " << i << ": " << status;
    EXPECT_THAT(Message(status), HasSubstr(cases[i].message)) << "case " << i;
  }
  EXPECT_EQ(CountOfferings(), 0);
  EXPECT_EQ(test_support::QueryInt(
                pool_, "SELECT COUNT(*) FROM audit_entries WHERE resource LIKE 'offerings/%'")
                .value_or(-1),
            0);

  // Suppliers on hold or not yet active keep their price lists.
  EXPECT_THAT(Create(Draft(on_hold, "SKU", 100)), IsOk());
  EXPECT_THAT(Create(Draft(prospective, "SKU", 100)), IsOk());
  EXPECT_THAT(Create(Draft(other, "SKU", 100)), IsOk());
  v1::Offering with_contract = Draft(other, "SKU-C", 90);
  with_contract.set_contract("contracts/5");
  EXPECT_THAT(Create(with_contract), IsOk());
  EXPECT_EQ(CountOfferings(), 4);

  // A deleted supplier takes none.
  v1::DeleteSupplierRequest del;
  del.set_name(active);
  v1::DeleteSupplierResponse deleted;
  ASSERT_THAT(suppliers_.DeleteSupplier(call_, del, deleted), IsOk());
  absl::Status on_deleted = Create(Draft(active, "SKU", 100)).status();
  EXPECT_EQ(on_deleted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(on_deleted), HasSubstr("is deleted"));
}

TEST_F(OfferingServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  const std::string supplier = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  absl::StatusOr<v1::Offering> first = Create(Draft(supplier, "SKU", 100), "offer-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::Offering> replay = Create(Draft(supplier, "SKU", 100), "offer-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(CountOfferings(), 1);
  EXPECT_EQ(Audit(first->name()).size(), 1u);

  absl::Status reused = Create(Draft(supplier, "SKU", 200), "offer-1").status();
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CountOfferings(), 1);
  EXPECT_EQ(Create(Draft(supplier, "SKU", 100), "bad id!").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OfferingServiceMySqlTest, OverlappingValidityOfCompetingOfferingsIsRejected) {
  const std::string acme = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string beta = Supplier("Beta", v1::SUPPLIER_STATUS_ACTIVE);
  v1::Offering h1 = Draft(acme, "SKU", 100);
  *h1.mutable_valid_until() = MakeDate(2024, 6, 30);
  const v1::Offering first = MustCreate(h1);

  v1::Offering touching = Draft(acme, "SKU", 90);
  *touching.mutable_valid_from() = MakeDate(2024, 6, 30);
  absl::Status overlap = Create(touching).status();
  EXPECT_EQ(overlap.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(overlap), HasSubstr(absl::StrCat("overlaps ", first.name(),
                                                       " (valid 2024-01-01..2024-06-30)")));
  v1::Offering open_start = Draft(acme, "SKU", 90);
  open_start.clear_valid_from();
  *open_start.mutable_valid_until() = MakeDate(2024, 12, 31);  // from today: overlaps too
  EXPECT_EQ(Create(open_start).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CountOfferings(), 1);

  // The next window, and every offering that does not compete, is fine.
  v1::Offering h2 = Draft(acme, "SKU", 90);
  *h2.mutable_valid_from() = MakeDate(2024, 7, 1);
  const v1::Offering second = MustCreate(h2);
  v1::Offering bulk = Draft(acme, "SKU", 80);
  bulk.set_minimum_quantity(100);
  MustCreate(bulk);
  MustCreate(Draft(acme, "SKU", 95, "USD"));
  MustCreate(Draft(acme, "OTHER-SKU", 95));
  MustCreate(Draft(beta, "SKU", 95));
  EXPECT_EQ(CountOfferings(), 6);

  // A contract price runs alongside the list price; two prices of one
  // contract compete like list prices do.
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_,
                  "INSERT INTO contracts (id, contract_number, supplier_id, title, start_date,"
                  " end_date, state, currency, committed_minor, ordered_minor, termination_reason,"
                  " version, create_time, update_time) VALUES (3, 'C-3', 1, 'Frame',"
                  " '2024-01-01', '2024-12-31', 2, 'EUR', 100000, 0, '', 1, NOW(), NOW())"),
              IsOk());
  v1::Offering contract_price = Draft(acme, "SKU", 70);
  contract_price.set_contract("contracts/3");
  *contract_price.mutable_valid_until() = MakeDate(2024, 12, 31);
  const v1::Offering framed = MustCreate(contract_price);
  *contract_price.mutable_valid_from() = MakeDate(2024, 12, 31);
  contract_price.clear_valid_until();
  absl::Status same_contract = Create(contract_price).status();
  EXPECT_EQ(same_contract.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(same_contract),
              HasSubstr(absl::StrCat("overlaps ", framed.name(),
                                     " (valid 2024-01-01..2024-12-31), a price of contracts/3")));
  EXPECT_EQ(CountOfferings(), 7);

  // An update may not move a window onto another.
  v1::Offering earlier = second;
  *earlier.mutable_valid_from() = MakeDate(2024, 6, 1);
  absl::Status moved = Update(earlier, {"valid_from"}).status();
  EXPECT_EQ(moved.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(moved), HasSubstr(first.name()));
  EXPECT_EQ(Get(second.name())->valid_from().month(), 7);

  // A deleted offering does not compete, until it is undeleted.
  ASSERT_THAT(Delete(first.name()), IsOk());
  ASSERT_THAT(Update(earlier, {"valid_from"}), IsOk());
  absl::Status undelete = Undelete(first.name()).status();
  EXPECT_EQ(undelete.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(undelete), HasSubstr(absl::StrCat("overlaps ", second.name())));
  EXPECT_TRUE(Get(first.name())->has_delete_time());
}

TEST_F(OfferingServiceMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  const std::string supplier = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  v1::Offering draft = Draft(supplier, "SKU", 100);
  draft.set_description("hex bolts");
  draft.set_supplier_item_code("AC-1");
  const v1::Offering original = MustCreate(draft);

  v1::Offering patch;
  patch.set_name(original.name());
  patch.set_etag(original.etag());
  patch.mutable_unit_price()->set_amount_minor(120);
  patch.mutable_unit_price()->set_currency_code("EUR");
  patch.set_description("should not be written");
  patch.set_item("ignored too");
  now_ += absl::Seconds(10);
  absl::StatusOr<v1::Offering> updated = Update(patch, {"unit_price"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->unit_price().amount_minor(), 120);
  EXPECT_EQ(updated->description(), "hex bolts");
  EXPECT_EQ(updated->item(), "SKU");
  EXPECT_EQ(updated->supplier_item_code(), "AC-1");
  EXPECT_NE(updated->etag(), original.etag());
  EXPECT_GT(updated->update_time().seconds(), original.update_time().seconds());

  // The etag read before the update is stale now; nothing changes.
  patch.mutable_unit_price()->set_amount_minor(130);
  absl::Status stale = Update(patch, {"unit_price"}).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(original.name())->unit_price().amount_minor(), 120);

  // Clearing valid_until through the mask makes the price open-ended.
  v1::Offering limited = *updated;
  *limited.mutable_valid_until() = MakeDate(2024, 5, 31);
  ASSERT_THAT(Update(limited, {"valid_until"}), IsOk());
  v1::Offering clear;
  clear.set_name(original.name());
  absl::StatusOr<v1::Offering> open = Update(clear, {"valid_until"});
  ASSERT_THAT(open, IsOk());
  EXPECT_FALSE(open->has_valid_until());

  for (const char* path : {"item", "supplier", "etag", "bogus"}) {
    absl::Status bad = Update(clear, {path}).status();
    EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(Message(bad), HasSubstr(path));
  }
  v1::Offering negative;
  negative.set_name(original.name());
  negative.set_lead_time_days(-1);
  absl::Status invalid = Update(negative, {"lead_time_days"}).status();
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(invalid), HasSubstr("offering.lead_time_days"));
  v1::Offering missing;
  missing.set_name("offerings/404");
  EXPECT_EQ(Update(missing, {"lead_time_days"}).status().code(), absl::StatusCode::kNotFound);

  // A terminated supplier's offerings are frozen.
  ChangeStatus(supplier, v1::SUPPLIER_STATUS_TERMINATED);
  v1::Offering later = clear;
  later.set_lead_time_days(3);
  absl::Status frozen = Update(later, {"lead_time_days"}).status();
  EXPECT_EQ(frozen.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(frozen), HasSubstr("TERMINATED"));

  std::vector<crm::common::v1::AuditEntry> audit = Audit(original.name());
  ASSERT_EQ(audit.size(), 4u);  // newest first: 2 x valid_until, unit_price, CREATE
  EXPECT_EQ(audit[2].action(), crm::common::v1::AUDIT_ACTION_UPDATE);
  ASSERT_EQ(audit[2].field_changes_size(), 1);
  EXPECT_EQ(audit[2].field_changes(0).field_path(), "unit_price.amount_minor");
  EXPECT_EQ(audit[3].action(), crm::common::v1::AUDIT_ACTION_CREATE);
}

TEST_F(OfferingServiceMySqlTest, ListPagesFiltersAndOrders) {
  const std::string acme = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string beta = Supplier("Beta", v1::SUPPLIER_STATUS_ACTIVE);
  auto make = [&](const std::string& supplier, const std::string& item, int64_t price, int month,
                  const std::string& currency = "EUR") {
    v1::Offering draft = Draft(supplier, item, price, currency);
    *draft.mutable_valid_from() = MakeDate(2024, month, 1);
    return MustCreate(draft).name();
  };
  const std::string o1 = make(acme, "B", 300, 3);
  const std::string o2 = make(acme, "A", 100, 1);
  const std::string o3 = make(beta, "C", 200, 2);
  const std::string o4 = make(beta, "A", 200, 5);
  const std::string o5 = make(acme, "D", 50, 4, "USD");

  EXPECT_THAT(ListAll("", ""), ElementsAre(o2, o4, o1, o3, o5));
  EXPECT_THAT(ListAll("item desc", ""), ElementsAre(o5, o3, o1, o4, o2));
  EXPECT_THAT(ListAll("unit_price.amount_minor", ""), ElementsAre(o5, o2, o3, o4, o1));
  EXPECT_THAT(ListAll("unit_price.amount_minor desc", ""), ElementsAre(o1, o4, o3, o2, o5));
  EXPECT_THAT(ListAll("valid_from desc", ""), ElementsAre(o4, o5, o1, o3, o2));
  EXPECT_THAT(ListAll("", absl::StrCat("supplier = ", beta)), ElementsAre(o4, o3));
  EXPECT_THAT(ListAll("", "item = A"), ElementsAre(o2, o4));
  EXPECT_THAT(ListAll("", "unit_price.currency_code = USD"), ElementsAre(o5));
  EXPECT_THAT(ListAll("", "valid_from >= 2024-03-01 AND valid_from < 2024-05-01"),
              ElementsAre(o1, o5));

  v1::ListOfferingsRequest first;
  first.set_page_size(2);
  v1::ListOfferingsResponse page;
  ASSERT_THAT(service_.ListOfferings(call_, first, page), IsOk());
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListOfferingsRequest other_query;
  other_query.set_page_size(2);
  other_query.set_order_by("valid_from");
  other_query.set_page_token(page.next_page_token());
  v1::ListOfferingsResponse ignored;
  EXPECT_EQ(service_.ListOfferings(call_, other_query, ignored).code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListOfferingsRequest bad_filter;
  bad_filter.set_filter("price < 3");
  EXPECT_EQ(service_.ListOfferings(call_, bad_filter, ignored).code(),
            absl::StatusCode::kInvalidArgument);
  v1::ListOfferingsRequest bad_order;
  bad_order.set_order_by("lead_time_days");
  EXPECT_EQ(service_.ListOfferings(call_, bad_order, ignored).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OfferingServiceMySqlTest, DeleteHidesFromListAndUndeleteRestores) {
  const std::string supplier = Supplier("Acme", v1::SUPPLIER_STATUS_ACTIVE);
  const v1::Offering keep = MustCreate(Draft(supplier, "A", 100));
  const v1::Offering gone = MustCreate(Draft(supplier, "B", 100));

  EXPECT_EQ(Delete(gone.name(), "zz").status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<v1::Offering> deleted = Delete(gone.name(), gone.etag());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->has_delete_time());
  EXPECT_THAT(ListAll("", ""), ElementsAre(keep.name()));
  EXPECT_THAT(ListAll("", "", /*show_deleted=*/true), ElementsAre(keep.name(), gone.name()));
  EXPECT_TRUE(Get(gone.name())->has_delete_time());
  EXPECT_EQ(Delete(gone.name()).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::Offering patch = *deleted;
  patch.set_lead_time_days(1);
  EXPECT_EQ(Update(patch, {"lead_time_days"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Undelete(keep.name()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Undelete(gone.name(), gone.etag()).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Delete("offerings/404").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<v1::Offering> restored = Undelete(gone.name(), deleted->etag());
  ASSERT_THAT(restored, IsOk());
  EXPECT_FALSE(restored->has_delete_time());
  EXPECT_THAT(ListAll("", ""), ElementsAre(keep.name(), gone.name()));

  std::vector<crm::common::v1::AuditEntry> audit = Audit(gone.name());
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action(), crm::common::v1::AUDIT_ACTION_UNDELETE);
  EXPECT_EQ(audit[1].action(), crm::common::v1::AUDIT_ACTION_DELETE);
}

TEST_F(OfferingServiceMySqlTest, BestPriceRanksTheValidCandidatesOfSuppliersThatTakeOrders) {
  const std::string alpha = Supplier("Alpha Metals", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string beta = Supplier("Beta Fasteners", v1::SUPPLIER_STATUS_PREFERRED);
  const std::string gamma = Supplier("Gamma (on hold)", v1::SUPPLIER_STATUS_ON_HOLD);
  const std::string delta = Supplier("Delta Supply", v1::SUPPLIER_STATUS_ACTIVE);
  const std::string fresh = Supplier("Prospect", v1::SUPPLIER_STATUS_PROSPECTIVE);
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_,
                  "INSERT INTO contracts (id, contract_number, supplier_id, title, start_date,"
                  " end_date, state, currency, committed_minor, ordered_minor, termination_reason,"
                  " version, create_time, update_time) VALUES (8, 'C-8', 2, 'Bolts',"
                  " '2024-01-01', '2024-12-31', 2, 'EUR', 100000, 0, '', 1, NOW(), NOW())"),
              IsOk());
  auto make = [&](const std::string& supplier, int64_t unit, int64_t min_qty, int32_t lead,
                  crm::common::v1::Date from, std::optional<crm::common::v1::Date> until,
                  const std::string& currency = "EUR", const std::string& contract = "") {
    v1::Offering draft = Draft(supplier, "BOLT-M8", unit, currency);
    draft.set_minimum_quantity(min_qty);
    draft.set_lead_time_days(lead);
    *draft.mutable_valid_from() = from;
    if (until.has_value()) *draft.mutable_valid_until() = *until;
    draft.set_contract(contract);
    return MustCreate(draft).name();
  };
  const auto jan1 = MakeDate(2024, 1, 1);
  // Candidates on 2024-03-15 for 100 units, in EUR:
  const std::string o1 = make(alpha, 50, 1, 10, jan1, std::nullopt);       // 5000, lead 10
  const std::string o2 = make(beta, 50, 50, 5, jan1, std::nullopt, "EUR",  // 5000, lead 5
                              "contracts/8");
  const std::string o3 = make(gamma, 10, 1, 1, jan1, std::nullopt);     // supplier on hold
  const std::string o4 = make(alpha, 30, 500, 10, jan1, std::nullopt);  // needs 500 units
  const std::string o5 = make(beta, 20, 1, 5, MakeDate(2023, 1, 1),     // expired 02-29
                              MakeDate(2024, 2, 29));
  const std::string o6 = make(delta, 45, 1, 7, jan1, std::nullopt, "USD");  // other currency
  const std::string o7 = make(alpha, 1, 2, 1, jan1, std::nullopt);          // deleted below
  const std::string o8 = make(fresh, 5, 1, 1, jan1, std::nullopt);          // not yet active
  const std::string o9 = make(delta, 40, 1, 2, MakeDate(2024, 4, 1),        // starts 04-01
                              std::nullopt);
  const std::string o10 = make(delta, 60, 1, 1, jan1, MakeDate(2024, 3, 31));  // 6000, lead 1
  ASSERT_THAT(Delete(o7), IsOk());

  auto names = [](const v1::BestPriceResponse& r) {
    std::vector<std::string> all = {r.best().offering()};
    for (const auto& c : r.alternatives()) all.push_back(c.offering());
    return all;
  };

  absl::StatusOr<v1::BestPriceResponse> eur =
      BestPrice("BOLT-M8", 100, MakeDate(2024, 3, 15), "EUR");
  ASSERT_THAT(eur, IsOk());
  EXPECT_THAT(names(*eur), ElementsAre(o2, o1, o10));  // tie at 5000 goes to the shorter lead
  const v1::PriceCandidate& best = eur->best();
  EXPECT_EQ(best.supplier(), beta);
  EXPECT_EQ(best.supplier_display_name(), "Beta Fasteners");
  EXPECT_EQ(best.unit_price().amount_minor(), 50);
  EXPECT_EQ(best.total_price().amount_minor(), 5000);
  EXPECT_EQ(best.total_price().currency_code(), "EUR");
  EXPECT_EQ(best.lead_time_days(), 5);
  EXPECT_TRUE(best.from_contract());
  EXPECT_FALSE(eur->alternatives(0).from_contract());
  EXPECT_EQ(eur->alternatives(0).supplier_display_name(), "Alpha Metals");
  EXPECT_EQ(eur->alternatives(1).total_price().amount_minor(), 6000);

  // Today (2024-03-15) is the default date; without a currency every
  // currency is listed, each cheapest first.
  absl::StatusOr<v1::BestPriceResponse> any = BestPrice("BOLT-M8", 100, std::nullopt);
  ASSERT_THAT(any, IsOk());
  EXPECT_THAT(names(*any), ElementsAre(o2, o1, o10, o6));
  EXPECT_EQ(any->alternatives(2).total_price().amount_minor(), 4500);
  EXPECT_EQ(any->alternatives(2).total_price().currency_code(), "USD");

  EXPECT_THAT(names(*BestPrice("BOLT-M8", 100, MakeDate(2024, 3, 15), "EUR", 7)),
              ElementsAre(o2, o10));
  // 500 units unlock the bulk price.
  absl::StatusOr<v1::BestPriceResponse> bulk =
      BestPrice("BOLT-M8", 500, MakeDate(2024, 3, 15), "EUR");
  ASSERT_THAT(bulk, IsOk());
  EXPECT_THAT(names(*bulk), ElementsAre(o4, o2, o1, o10));
  EXPECT_EQ(bulk->best().total_price().amount_minor(), 15000);
  // Back in February the expired offering was valid; in April o10 has ended and o9 begun.
  EXPECT_THAT(names(*BestPrice("BOLT-M8", 100, MakeDate(2024, 2, 1), "EUR")),
              ElementsAre(o5, o2, o1, o10));
  EXPECT_THAT(names(*BestPrice("BOLT-M8", 100, MakeDate(2024, 4, 1), "EUR")),
              ElementsAre(o9, o2, o1));

  // The supplier on hold competes again once active.
  ChangeStatus(gamma, v1::SUPPLIER_STATUS_ACTIVE);
  EXPECT_EQ(BestPrice("BOLT-M8", 100, MakeDate(2024, 3, 15), "EUR")->best().offering(), o3);

  absl::Status none = BestPrice("NUT-M8", 100, std::nullopt).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(none), HasSubstr("\"NUT-M8\""));
  EXPECT_EQ(BestPrice("BOLT-M8", 100, MakeDate(2019, 1, 1)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BestPrice("BOLT-M8", 0, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
  (void)o8;
}

}  // namespace
}  // namespace crm::supplier

// SupplierService with the MySQL repository against a fresh TestDatabase
// schema carrying supplier_svc's migrations.
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "crm/supplier/v1/audit_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/supplier_db_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SupplierServiceMySqlTest : public SupplierDbTest {
 protected:
  SupplierServiceMySqlTest()
      : SupplierDbTest(absl::FromUnixSeconds(1700000000), absl::Seconds(30)),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {}

  v1::Supplier Create(
      const std::string& display_name, const std::string& domain = "",
      std::vector<v1::SupplierCategory> categories = {v1::SUPPLIER_CATEGORY_COMPONENT},
      const std::string& request_id = "") {
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name(display_name);
    request.mutable_supplier()->mutable_organization_key()->set_web_domain(domain);
    for (v1::SupplierCategory category : categories) {
      request.mutable_supplier()->add_categories(category);
    }
    request.set_request_id(request_id);
    v1::CreateSupplierResponse response;
    absl::Status status = service_.CreateSupplier(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response.supplier();
  }

  absl::StatusOr<v1::Supplier> ChangeStatus(const v1::Supplier& supplier, v1::SupplierStatus to,
                                            const std::string& etag = "") {
    v1::ChangeSupplierStatusRequest request;
    request.set_name(supplier.name());
    request.set_status(to);
    request.set_reason("quarterly review");
    request.set_etag(etag);
    v1::ChangeSupplierStatusResponse response;
    absl::Status status = service_.ChangeSupplierStatus(call_, request, response);
    if (!status.ok()) return status;
    return response.supplier();
  }

  std::vector<std::string> ListAllNames(const std::string& order_by, const std::string& filter,
                                        bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListSuppliersRequest request;
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListSuppliersResponse response;
      absl::Status status = service_.ListSuppliers(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& supplier : response.suppliers()) names.push_back(supplier.display_name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  MySqlSupplierRepository repository_;
  SupplierService service_;
};

TEST_F(SupplierServiceMySqlTest, CreateThenGetReturnsTheStoredSupplierVerbatim) {
  const std::string hostile = "Bobby'); DROP TABLE suppliers; -- UNION SELECT 1 \xE2\x9C\x93";
  v1::CreateSupplierRequest request;
  v1::Supplier& supplier = *request.mutable_supplier();
  supplier.set_display_name(hostile);
  supplier.set_legal_name("Bobby Tables GmbH");
  supplier.mutable_organization_key()->set_web_domain("WWW.Bobby.Example");
  supplier.mutable_organization_key()->set_tax_id("de123456789");
  supplier.add_categories(v1::SUPPLIER_CATEGORY_TECHNOLOGY);
  supplier.add_categories(v1::SUPPLIER_CATEGORY_RAW_MATERIAL);
  supplier.add_categories(v1::SUPPLIER_CATEGORY_TECHNOLOGY);
  supplier.mutable_postal_address()->set_region_code("DE");
  v1::Qualification& q = *supplier.add_qualifications();
  q.set_category(v1::SUPPLIER_CATEGORY_TECHNOLOGY);
  q.set_state(v1::QUALIFICATION_STATE_APPROVED);
  q.mutable_valid_from()->set_year(2023);
  q.mutable_valid_from()->set_month(1);
  q.mutable_valid_from()->set_day(1);
  q.set_note(std::string(1000, 'n'));
  supplier.mutable_relationship_start_date()->set_year(2019);
  supplier.mutable_relationship_start_date()->set_month(5);
  supplier.mutable_relationship_start_date()->set_day(2);
  v1::CreateSupplierResponse created;
  ASSERT_THAT(service_.CreateSupplier(call_, request, created), IsOk());
  const v1::Supplier& stored = created.supplier();
  EXPECT_EQ(stored.display_name(), hostile);
  EXPECT_EQ(stored.status(), v1::SUPPLIER_STATUS_PROSPECTIVE);
  EXPECT_EQ(stored.organization_key().web_domain(), "bobby.example");
  EXPECT_EQ(stored.organization_key().tax_id(), "DE123456789");
  EXPECT_THAT(stored.categories(),
              ElementsAre(v1::SUPPLIER_CATEGORY_RAW_MATERIAL, v1::SUPPLIER_CATEGORY_TECHNOLOGY));
  EXPECT_EQ(stored.integration_level(), v1::INTEGRATION_LEVEL_NONE);
  ASSERT_EQ(stored.qualifications_size(), 1);
  EXPECT_TRUE(stored.qualifications(0).current());
  EXPECT_EQ(stored.relationship_start_date().year(), 2019);

  v1::GetSupplierRequest get;
  get.set_name(stored.name());
  v1::GetSupplierResponse got;
  ASSERT_THAT(service_.GetSupplier(call_, get, got), IsOk());
  EXPECT_EQ(got.supplier().SerializeAsString(), stored.SerializeAsString());
  get.set_name("suppliers/424242");
  EXPECT_EQ(service_.GetSupplier(call_, get, got).code(), absl::StatusCode::kNotFound);
  get.set_name("customers/1");
  EXPECT_EQ(service_.GetSupplier(call_, get, got).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SupplierServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  v1::Supplier first = Create("Acme Parts", "", {v1::SUPPLIER_CATEGORY_COMPONENT}, "create-1");
  v1::Supplier replay = Create("Acme Parts", "", {v1::SUPPLIER_CATEGORY_COMPONENT}, "create-1");
  EXPECT_EQ(replay.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(test_support::QueryInt(pool_, "SELECT COUNT(*) FROM suppliers").value_or(-1), 1);
  EXPECT_EQ(test_support::QueryInt(pool_, "SELECT COUNT(*) FROM supplier_status_changes")
                .value_or(-1),
            1);

  v1::CreateSupplierRequest other;
  other.mutable_supplier()->set_display_name("Someone else");
  other.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_CAPITAL);
  other.set_request_id("create-1");
  v1::CreateSupplierResponse response;
  EXPECT_EQ(service_.CreateSupplier(call_, other, response).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SupplierServiceMySqlTest, InvalidFieldsAreRejectedNamingTheFieldAndWriteNothing) {
  struct Case {
    std::string field;
    std::function<void(v1::Supplier&)> spoil;
  };
  const std::vector<Case> cases = {
      {"supplier.display_name", [](v1::Supplier& s) { s.set_display_name(""); }},
      {"supplier.display_name", [](v1::Supplier& s) { s.set_display_name(std::string(201, 'x')); }},
      {"supplier.categories", [](v1::Supplier& s) { s.clear_categories(); }},
      {"supplier.categories[1]",
       [](v1::Supplier& s) { s.add_categories(static_cast<v1::SupplierCategory>(99)); }},
      {"supplier.organization_key.web_domain",
       [](v1::Supplier& s) { s.mutable_organization_key()->set_web_domain("not a domain"); }},
      {"supplier.organization_key.tax_id",
       [](v1::Supplier& s) { s.mutable_organization_key()->set_tax_id("1"); }},
      {"supplier.contacts[0].email",
       [](v1::Supplier& s) {
         auto* c = s.add_contacts();
         c->set_display_name("Ann");
         c->set_email("ann@");
       }},
      {"supplier.postal_address.region_code",
       [](v1::Supplier& s) { s.mutable_postal_address()->set_region_code("XX"); }},
      {"supplier.relationship_start_date",
       [](v1::Supplier& s) {
         s.mutable_relationship_start_date()->set_year(2023);
         s.mutable_relationship_start_date()->set_month(2);
         s.mutable_relationship_start_date()->set_day(29);
       }},
      {"supplier.qualifications[0].valid_until",
       [](v1::Supplier& s) {
         auto* q = s.add_qualifications();
         q->set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
         q->mutable_valid_from()->set_year(2024);
         q->mutable_valid_from()->set_month(1);
         q->mutable_valid_from()->set_day(1);
         q->mutable_valid_until()->set_year(2023);
         q->mutable_valid_until()->set_month(1);
         q->mutable_valid_until()->set_day(1);
       }},
      {"supplier.data_sharing_agreement.scope",
       [](v1::Supplier& s) {
         s.mutable_data_sharing_agreement()->set_state(v1::DATA_SHARING_AGREEMENT_STATE_SIGNED);
       }},
      {"supplier.integration_level",
       [](v1::Supplier& s) { s.set_integration_level(static_cast<v1::IntegrationLevel>(42)); }},
  };
  for (const Case& c : cases) {
    v1::CreateSupplierRequest request;
    request.mutable_supplier()->set_display_name("Valid");
    request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
    c.spoil(*request.mutable_supplier());
    v1::CreateSupplierResponse response;
    absl::Status status = service_.CreateSupplier(call_, request, response);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":")) << status;
  }
  EXPECT_EQ(test_support::QueryInt(pool_, "SELECT COUNT(*) FROM suppliers").value_or(-1), 0);
}

TEST_F(SupplierServiceMySqlTest, OrganizationKeyIsUniqueAmongLiveSuppliers) {
  v1::Supplier acme = Create("Acme", "acme.example");
  v1::CreateSupplierRequest request;
  request.mutable_supplier()->set_display_name("Acme again");
  request.mutable_supplier()->add_categories(v1::SUPPLIER_CATEGORY_COMPONENT);
  request.mutable_supplier()->mutable_organization_key()->set_web_domain("www.ACME.example");
  v1::CreateSupplierResponse response;
  absl::Status status = service_.CreateSupplier(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), HasSubstr(acme.name()));

  v1::DeleteSupplierRequest remove;
  remove.set_name(acme.name());
  v1::DeleteSupplierResponse removed;
  ASSERT_THAT(service_.DeleteSupplier(call_, remove, removed), IsOk());
  ASSERT_THAT(service_.CreateSupplier(call_, request, response), IsOk());

  // The old one cannot come back while the new one holds the domain.
  v1::UndeleteSupplierRequest undelete;
  undelete.set_name(acme.name());
  v1::UndeleteSupplierResponse undeleted;
  EXPECT_EQ(service_.UndeleteSupplier(call_, undelete, undeleted).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SupplierServiceMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  v1::Supplier original = Create("Acme", "acme.example");
  v1::UpdateSupplierRequest request;
  request.mutable_supplier()->set_name(original.name());
  request.mutable_supplier()->set_etag(original.etag());
  request.mutable_supplier()->set_display_name("Acme Components");
  request.mutable_supplier()->set_legal_name("not in the mask");
  request.mutable_supplier()->set_integration_level(v1::INTEGRATION_LEVEL_EDI);
  request.mutable_update_mask()->add_paths("display_name");
  request.mutable_update_mask()->add_paths("integration_level");
  v1::UpdateSupplierResponse updated;
  ASSERT_THAT(service_.UpdateSupplier(call_, request, updated), IsOk());
  EXPECT_EQ(updated.supplier().display_name(), "Acme Components");
  EXPECT_EQ(updated.supplier().integration_level(), v1::INTEGRATION_LEVEL_EDI);
  EXPECT_EQ(updated.supplier().legal_name(), "");
  EXPECT_EQ(updated.supplier().organization_key().web_domain(), "acme.example");
  EXPECT_NE(updated.supplier().etag(), original.etag());

  // The same request again carries the old etag now.
  absl::Status stale = service_.UpdateSupplier(call_, request, updated);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);

  request.mutable_supplier()->set_etag("");
  request.mutable_update_mask()->add_paths("status");
  absl::Status status_path = service_.UpdateSupplier(call_, request, updated);
  EXPECT_EQ(status_path.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status_path.message()), HasSubstr("ChangeSupplierStatus"));

  v1::ListAuditEntriesRequest audit_request;
  audit_request.set_resource(original.name());
  v1::ListAuditEntriesResponse audit;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit_request, audit, {"suppliers"}), IsOk());
  ASSERT_EQ(audit.audit_entries_size(), 2);  // newest first: UPDATE, CREATE
  EXPECT_EQ(audit.audit_entries(0).action(), crm::common::v1::AUDIT_ACTION_UPDATE);
  EXPECT_EQ(audit.audit_entries(0).actor(), "procurement");
  std::vector<std::string> paths;
  for (const auto& change : audit.audit_entries(0).field_changes()) {
    paths.push_back(change.field_path());
  }
  EXPECT_THAT(paths, ElementsAre("display_name", "integration_level"));
}

TEST_F(SupplierServiceMySqlTest, StatusMachineAllowsOnlyLegalMovesAndKeepsHistory) {
  v1::Supplier supplier = Create("Acme");
  EXPECT_EQ(ChangeStatus(supplier, v1::SUPPLIER_STATUS_PREFERRED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_THAT(ChangeStatus(supplier, v1::SUPPLIER_STATUS_ACTIVE), IsOk());
  ASSERT_THAT(ChangeStatus(supplier, v1::SUPPLIER_STATUS_PREFERRED), IsOk());
  absl::Status consolidated =
      ChangeStatus(supplier, v1::SUPPLIER_STATUS_CONSOLIDATED).status();
  EXPECT_EQ(consolidated.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(consolidated.message()), HasSubstr("ExecuteConsolidation"));
  absl::StatusOr<v1::Supplier> held = ChangeStatus(supplier, v1::SUPPLIER_STATUS_ON_HOLD);
  ASSERT_THAT(held, IsOk());
  EXPECT_EQ(ChangeStatus(supplier, v1::SUPPLIER_STATUS_ON_HOLD, supplier.etag()).status().code(),
            absl::StatusCode::kAborted);
  ASSERT_THAT(ChangeStatus(supplier, v1::SUPPLIER_STATUS_TERMINATED, held->etag()), IsOk());
  absl::Status final_state = ChangeStatus(supplier, v1::SUPPLIER_STATUS_ACTIVE).status();
  EXPECT_EQ(final_state.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(final_state.message()), HasSubstr("TERMINATED to ACTIVE"));

  std::vector<std::pair<v1::SupplierStatus, v1::SupplierStatus>> history;
  std::string token;
  do {
    v1::ListSupplierStatusChangesRequest request;
    request.set_parent(supplier.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListSupplierStatusChangesResponse response;
    ASSERT_THAT(service_.ListSupplierStatusChanges(call_, request, response), IsOk());
    for (const auto& change : response.status_changes()) {
      history.emplace_back(change.from_status(), change.to_status());
      EXPECT_EQ(change.actor(), "procurement");
    }
    token = response.next_page_token();
  } while (!token.empty());
  using S = v1::SupplierStatus;
  EXPECT_THAT(history,
              ElementsAre(std::pair<S, S>{v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_TERMINATED},
                          std::pair<S, S>{v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_ON_HOLD},
                          std::pair<S, S>{v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_PREFERRED},
                          std::pair<S, S>{v1::SUPPLIER_STATUS_PROSPECTIVE, v1::SUPPLIER_STATUS_ACTIVE},
                          std::pair<S, S>{v1::SUPPLIER_STATUS_UNSPECIFIED,
                                          v1::SUPPLIER_STATUS_PROSPECTIVE}));

  v1::ListSupplierStatusChangesRequest filtered;
  filtered.set_parent("suppliers/-");
  filtered.set_filter("to_status = TERMINATED");
  v1::ListSupplierStatusChangesResponse terminated;
  ASSERT_THAT(service_.ListSupplierStatusChanges(call_, filtered, terminated), IsOk());
  EXPECT_EQ(terminated.status_changes_size(), 1);
}

TEST_F(SupplierServiceMySqlTest, ListPagesFiltersAndOrders) {
  Create("Delta Metals", "delta.example", {v1::SUPPLIER_CATEGORY_RAW_MATERIAL});
  Create("Alpha Chips", "alpha.example",
         {v1::SUPPLIER_CATEGORY_COMPONENT, v1::SUPPLIER_CATEGORY_TECHNOLOGY});
  v1::Supplier charlie = Create("Charlie Steel", "", {v1::SUPPLIER_CATEGORY_RAW_MATERIAL});
  Create("Bravo Consulting", "", {v1::SUPPLIER_CATEGORY_EXPERTISE});
  Create("Echo Components", "", {v1::SUPPLIER_CATEGORY_COMPONENT});
  ASSERT_THAT(ChangeStatus(charlie, v1::SUPPLIER_STATUS_ACTIVE), IsOk());

  EXPECT_THAT(ListAllNames("", ""), ElementsAre("Alpha Chips", "Bravo Consulting", "Charlie Steel",
                                                "Delta Metals", "Echo Components"));
  EXPECT_THAT(ListAllNames("display_name desc", "categories = COMPONENT"),
              ElementsAre("Echo Components", "Alpha Chips"));
  EXPECT_THAT(ListAllNames("create_time", "categories = RAW_MATERIAL"),
              ElementsAre("Delta Metals", "Charlie Steel"));
  EXPECT_THAT(ListAllNames("", "categories = RAW_MATERIAL AND status = ACTIVE"),
              ElementsAre("Charlie Steel"));
  EXPECT_THAT(ListAllNames("", "categories != RAW_MATERIAL AND display_name : \"o\""),
              ElementsAre("Bravo Consulting", "Echo Components"));
  EXPECT_THAT(ListAllNames("", "organization_key.web_domain = ALPHA.example"),
              ElementsAre("Alpha Chips"));

  v1::ListSuppliersRequest bad;
  bad.set_filter("colour = red");
  v1::ListSuppliersResponse response;
  absl::Status status = service_.ListSuppliers(call_, bad, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("colour"));
  bad.set_filter("");
  bad.set_order_by("price");
  EXPECT_EQ(service_.ListSuppliers(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);

  // A token belongs to its query.
  v1::ListSuppliersRequest first;
  first.set_page_size(1);
  ASSERT_THAT(service_.ListSuppliers(call_, first, response), IsOk());
  v1::ListSuppliersRequest other;
  other.set_page_token(response.next_page_token());
  other.set_filter("status = ACTIVE");
  EXPECT_EQ(service_.ListSuppliers(call_, other, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SupplierServiceMySqlTest, OrdersByRelationshipStartDateWithUndatedSuppliersFirst) {
  auto dated = [&](const std::string& name, int year) {
    v1::Supplier supplier = Create(name);
    v1::UpdateSupplierRequest request;
    request.mutable_supplier()->set_name(supplier.name());
    request.mutable_supplier()->mutable_relationship_start_date()->set_year(year);
    request.mutable_supplier()->mutable_relationship_start_date()->set_month(6);
    request.mutable_supplier()->mutable_relationship_start_date()->set_day(1);
    request.mutable_update_mask()->add_paths("relationship_start_date");
    v1::UpdateSupplierResponse response;
    EXPECT_THAT(service_.UpdateSupplier(call_, request, response), IsOk());
  };
  dated("Since 2015", 2015);
  Create("Undated B");
  dated("Since 2001", 2001);
  Create("Undated A");
  dated("Since 2020", 2020);
  EXPECT_THAT(ListAllNames("relationship_start_date", ""),
              ElementsAre("Undated B", "Undated A", "Since 2001", "Since 2015", "Since 2020"));
  EXPECT_THAT(ListAllNames("relationship_start_date desc", ""),
              ElementsAre("Since 2020", "Since 2015", "Since 2001", "Undated A", "Undated B"));
  EXPECT_THAT(ListAllNames("", "relationship_start_date >= 2015-01-01"),
              ElementsAre("Since 2015", "Since 2020"));
}

TEST_F(SupplierServiceMySqlTest, DeleteHidesFromListAndUndeleteRestores) {
  v1::Supplier acme = Create("Acme");
  Create("Bolt");
  v1::DeleteSupplierRequest remove;
  remove.set_name(acme.name());
  remove.set_etag("999");
  v1::DeleteSupplierResponse removed;
  EXPECT_EQ(service_.DeleteSupplier(call_, remove, removed).code(), absl::StatusCode::kAborted);
  remove.set_etag(acme.etag());
  ASSERT_THAT(service_.DeleteSupplier(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.supplier().has_delete_time());
  EXPECT_THAT(ListAllNames("", ""), ElementsAre("Bolt"));
  EXPECT_THAT(ListAllNames("", "", /*show_deleted=*/true), ElementsAre("Acme", "Bolt"));
  EXPECT_EQ(ChangeStatus(acme, v1::SUPPLIER_STATUS_ACTIVE).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteSupplierRequest undelete;
  undelete.set_name(acme.name());
  v1::UndeleteSupplierResponse undeleted;
  ASSERT_THAT(service_.UndeleteSupplier(call_, undelete, undeleted), IsOk());
  EXPECT_FALSE(undeleted.supplier().has_delete_time());
  EXPECT_EQ(service_.UndeleteSupplier(call_, undelete, undeleted).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ListAllNames("", ""), ElementsAre("Acme", "Bolt"));
}

TEST_F(SupplierServiceMySqlTest, DeleteIsRefusedWhileOrdersAreOpen) {
  v1::Supplier acme = Create("Acme");
  const int64_t id = std::stoll(acme.name().substr(std::string("suppliers/").size()));
  ASSERT_THAT(
      test_support::ExecuteSql(
          pool_, absl::StrCat("INSERT INTO purchase_orders (po_number, supplier_id, status, "
                              "total_currency, total_minor, quality_notes, cancel_reason, "
                              "version, order_date, create_time, update_time) VALUES "
                              "('PO-1', ",
                              id, ", 1, 'EUR', 1000, '', '', 1, CURDATE(), NOW(6), NOW(6))")),
      IsOk());
  v1::DeleteSupplierRequest remove;
  remove.set_name(acme.name());
  v1::DeleteSupplierResponse removed;
  absl::Status status = service_.DeleteSupplier(call_, remove, removed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("1 open purchase order"));
  ASSERT_THAT(test_support::ExecuteSql(pool_, "UPDATE purchase_orders SET status = 3"), IsOk());

  // An ACTIVE contract blocks deletion while in force (now_ is 2023-11-14),
  // not once its term has ended.
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_, absl::StrCat("INSERT INTO contracts (contract_number, supplier_id, title, "
                                      "start_date, end_date, state, currency, committed_minor, "
                                      "ordered_minor, termination_reason, version, create_time, "
                                      "update_time) VALUES ('CT-1', ",
                                      id, ", 'Bolts', '2023-01-01', '2023-12-31', 2, 'EUR', 100, "
                                      "0, '', 1, NOW(6), NOW(6))")),
              IsOk());
  status = service_.DeleteSupplier(call_, remove, removed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("1 active contract"));
  now_ = absl::FromUnixSeconds(1704153600);  // 2024-01-02: the term has ended
  EXPECT_THAT(service_.DeleteSupplier(call_, remove, removed), IsOk());
}

TEST_F(SupplierServiceMySqlTest, SummaryCountsByStatusAndCategoryAndSumsRecentSpend) {
  v1::Supplier a = Create("A", "", {v1::SUPPLIER_CATEGORY_COMPONENT, v1::SUPPLIER_CATEGORY_TECHNOLOGY});
  Create("B", "", {v1::SUPPLIER_CATEGORY_COMPONENT});
  v1::Supplier c = Create("C", "", {v1::SUPPLIER_CATEGORY_CAPITAL});
  ASSERT_THAT(ChangeStatus(a, v1::SUPPLIER_STATUS_ACTIVE), IsOk());
  v1::DeleteSupplierRequest remove;
  remove.set_name(c.name());
  v1::DeleteSupplierResponse removed;
  ASSERT_THAT(service_.DeleteSupplier(call_, remove, removed), IsOk());
  const std::string a_id = a.name().substr(std::string("suppliers/").size());
  // now_ is 2023-11-14: two orders inside the last 12 months, one cancelled, one too old.
  for (const auto& [number, status, amount, time] :
       std::vector<std::tuple<std::string, int, int, std::string>>{
           {"PO-1", 3, 1000, "2023-06-01"}, {"PO-2", 1, 250, "2023-10-01"},
           {"PO-3", 4, 9999, "2023-10-02"}, {"PO-4", 3, 7777, "2022-01-01"}}) {
    ASSERT_THAT(
        test_support::ExecuteSql(
            pool_, absl::StrCat("INSERT INTO purchase_orders (po_number, supplier_id, "
                                "status, total_currency, total_minor, quality_notes, "
                                "cancel_reason, version, order_date, create_time, "
                                "update_time) VALUES ('",
                                number, "', ", a_id, ", ", status, ", 'EUR', ", amount,
                                ", '', '', 1, DATE('", time, "'), '", time, "', '", time, "')")),
        IsOk());
  }
  v1::GetSupplierSummaryRequest request;
  v1::GetSupplierSummaryResponse response;
  ASSERT_THAT(service_.GetSupplierSummary(call_, request, response), IsOk());
  const v1::SupplierSummary& summary = response.summary();
  EXPECT_EQ(summary.supplier_count(), 2);
  ASSERT_EQ(summary.status_counts_size(), 2);
  EXPECT_EQ(summary.status_counts(0).status(), v1::SUPPLIER_STATUS_PROSPECTIVE);
  EXPECT_EQ(summary.status_counts(1).status(), v1::SUPPLIER_STATUS_ACTIVE);
  ASSERT_EQ(summary.category_counts_size(), 2);
  EXPECT_EQ(summary.category_counts(0).category(), v1::SUPPLIER_CATEGORY_TECHNOLOGY);
  EXPECT_EQ(summary.category_counts(0).count(), 1);
  EXPECT_EQ(summary.category_counts(1).category(), v1::SUPPLIER_CATEGORY_COMPONENT);
  EXPECT_EQ(summary.category_counts(1).count(), 2);
  ASSERT_EQ(summary.spend_amounts_size(), 1);
  EXPECT_EQ(summary.spend_amounts(0).currency_code(), "EUR");
  EXPECT_EQ(summary.spend_amounts(0).amount_minor(), 1250);

  request.set_filter("categories = TECHNOLOGY");
  ASSERT_THAT(service_.GetSupplierSummary(call_, request, response), IsOk());
  EXPECT_EQ(response.summary().supplier_count(), 1);
}

}  // namespace
}  // namespace crm::supplier

// ContractService with the MySQL repositories against a fresh TestDatabase
// schema carrying supplier_svc's migrations.
#include <string>
#include <vector>

#include "tests/supplier_svc/mysql/procurement_test_fixture.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using AuditAction = crm::common::v1::AuditAction;

class ContractServiceMySqlTest : public ProcurementMySqlTest {
 protected:
  std::vector<std::string> ListTitles(const std::string& filter, const std::string& order_by) {
    std::vector<std::string> titles;
    std::string token;
    do {
      v1::ListContractsRequest request;
      request.set_page_size(2);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_page_token(token);
      v1::ListContractsResponse response;
      absl::Status status = contracts_.ListContracts(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.contracts_size(), 2);
      for (const auto& contract : response.contracts()) titles.push_back(contract.title());
      token = response.next_page_token();
    } while (!token.empty());
    return titles;
  }
};

TEST_F(ContractServiceMySqlTest, CreateThenGetReturnsTheStoredContractVerbatim) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const std::string hostile = "Rahmen'); DROP TABLE contracts; -- \xE2\x9C\x93 \xF0\x9F\x94\xA9";
  v1::Contract draft = ContractFor(acme, {{"BOLT-M8", 25, 1000}, {"NUT'--M8", 10, 500}});
  draft.set_title(hostile);
  draft.set_state(v1::CONTRACT_STATE_TERMINATED);     // output only: ignored
  draft.mutable_lines(0)->set_ordered_quantity(999);  // output only: ignored
  absl::StatusOr<v1::Contract> created = CreateContract(draft);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->name(), "contracts/1");
  EXPECT_EQ(created->contract_number(), "CT-000001");
  EXPECT_EQ(created->title(), hostile);
  EXPECT_EQ(created->supplier(), acme.name());
  EXPECT_EQ(created->state(), v1::CONTRACT_STATE_DRAFT);
  ASSERT_EQ(created->lines_size(), 2);
  EXPECT_EQ(created->lines(1).item(), "NUT'--M8");
  EXPECT_EQ(created->lines(0).ordered_quantity(), 0);
  EXPECT_EQ(created->lines(0).remaining_quantity(), 1000);
  EXPECT_EQ(created->committed_amount().amount_minor(), 25 * 1000 + 10 * 500);
  EXPECT_EQ(created->committed_amount().currency_code(), "EUR");
  EXPECT_EQ(created->ordered_amount().amount_minor(), 0);
  EXPECT_EQ(created->remaining_amount().amount_minor(), 30000);
  EXPECT_EQ(created->start_date().month(), 1);
  EXPECT_EQ(created->end_date().day(), 31);

  absl::StatusOr<v1::Contract> got = GetContract(created->name());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(GetContract("contracts/4242").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(GetContract("contracts/4242").status().message()),
              HasSubstr("contracts/4242"));
  EXPECT_EQ(GetContract("purchaseOrders/1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(AuditActions(created->name()), ElementsAre(crm::common::v1::AUDIT_ACTION_CREATE));
}

TEST_F(ContractServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract draft = ContractFor(acme, {{"BOLT-M8", 25, 1000}});
  absl::StatusOr<v1::Contract> first = CreateContract(draft, "contract-1");
  ASSERT_THAT(first, IsOk());
  Advance(absl::Seconds(5));
  absl::StatusOr<v1::Contract> replay = CreateContract(draft, "contract-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contract_lines"), 1);

  v1::Contract other = draft;
  other.set_title("Another");
  EXPECT_EQ(CreateContract(other, "contract-1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CreateContract(other, "not a valid id!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), 1);
}

TEST_F(ContractServiceMySqlTest, InvalidFieldsAreRejectedNamingTheFieldAndWriteNothing) {
  const v1::Supplier acme = MakeSupplier("Acme");
  struct Case {
    std::string field;
    std::function<void(v1::Contract&)> spoil;
  };
  const std::vector<Case> cases = {
      {"contract.title", [](v1::Contract& c) { c.set_title(std::string(10 * 1024, 'x')); }},
      {"contract.title", [](v1::Contract& c) { c.set_title(""); }},
      {"contract.supplier", [](v1::Contract& c) { c.set_supplier("suppliers/abc"); }},
      {"contract.end_date", [](v1::Contract& c) { *c.mutable_end_date() = MakeDate(2023, 1, 1); }},
      {"contract.start_date",
       [](v1::Contract& c) { *c.mutable_start_date() = MakeDate(2024, 2, 30); }},
      {"contract.lines", [](v1::Contract& c) { c.clear_lines(); }},
      {"contract.lines[0].unit_price",
       [](v1::Contract& c) { c.mutable_lines(0)->mutable_unit_price()->set_currency_code("eur"); }},
      {"contract.lines[0].committed_quantity",
       [](v1::Contract& c) { c.mutable_lines(0)->set_committed_quantity(-5); }},
      {"contract.lines[0].item",
       [](v1::Contract& c) { c.mutable_lines(0)->set_item(std::string(10 * 1024, 'i')); }},
      {"contract.lines[0].committed_quantity",
       [](v1::Contract& c) { c.mutable_lines(0)->set_committed_quantity(4'000'000'000'000'000); }},
  };
  for (const Case& c : cases) {
    v1::Contract contract = ContractFor(acme, {{"BOLT-M8", 25, 1000}});
    c.spoil(contract);
    absl::Status status = CreateContract(contract).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field + ":")) << status;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), 0);
}

TEST_F(ContractServiceMySqlTest, OnlyLiveSuppliersThatMayTradeTakeContracts) {
  const v1::Supplier prospect = MakeSupplier("Prospect", v1::SUPPLIER_STATUS_PROSPECTIVE);
  EXPECT_THAT(CreateContract(ContractFor(prospect, {{"A", 1, 1}})), IsOk());
  for (v1::SupplierStatus status : {v1::SUPPLIER_STATUS_ON_HOLD, v1::SUPPLIER_STATUS_TERMINATED}) {
    const v1::Supplier supplier = MakeSupplier("Blocked", status);
    absl::Status refused = CreateContract(ContractFor(supplier, {{"A", 1, 1}})).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(refused.message()), HasSubstr(supplier.name()));
  }
  v1::Contract unknown = ContractFor(prospect, {{"A", 1, 1}});
  unknown.set_supplier("suppliers/999");
  absl::Status missing = CreateContract(unknown).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("suppliers/999"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), 1);

  // A prospective supplier's contract can be drafted but not put in force.
  v1::ListContractsRequest all;
  v1::ListContractsResponse listed;
  ASSERT_THAT(contracts_.ListContracts(call_, all, listed), IsOk());
  ASSERT_EQ(listed.contracts_size(), 1);
  absl::Status inactive = Activate(listed.contracts(0)).status();
  EXPECT_EQ(inactive.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(inactive.message()), HasSubstr("PROSPECTIVE"));
}

TEST_F(ContractServiceMySqlTest, UpdateChangesMaskedFieldsOfADraftAndOnlyTheTitleWhenActive) {
  const v1::Supplier acme = MakeSupplier("Acme");
  absl::StatusOr<v1::Contract> draft = CreateContract(ContractFor(acme, {{"BOLT-M8", 25, 1000}}));
  ASSERT_THAT(draft, IsOk());

  v1::UpdateContractRequest request;
  *request.mutable_contract() = ContractFor(acme, {{"BOLT-M10", 40, 200}, {"NUT-M10", 12, 200}});
  request.mutable_contract()->set_name(draft->name());
  request.mutable_contract()->set_etag(draft->etag());
  request.mutable_contract()->set_title("not in the mask");
  *request.mutable_contract()->mutable_end_date() = MakeDate(2025, 6, 30);
  request.mutable_update_mask()->add_paths("lines");
  request.mutable_update_mask()->add_paths("end_date");
  v1::UpdateContractResponse updated;
  ASSERT_THAT(contracts_.UpdateContract(call_, request, updated), IsOk());
  EXPECT_EQ(updated.contract().title(), "Fasteners 2024");
  EXPECT_EQ(updated.contract().end_date().year(), 2025);
  ASSERT_EQ(updated.contract().lines_size(), 2);
  EXPECT_EQ(updated.contract().committed_amount().amount_minor(), 40 * 200 + 12 * 200);
  EXPECT_NE(updated.contract().etag(), draft->etag());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contract_lines"), 2);

  // The same request again carries the old etag now.
  EXPECT_EQ(contracts_.UpdateContract(call_, request, updated).code(), absl::StatusCode::kAborted);

  v1::UpdateContractRequest state;
  state.mutable_contract()->set_name(draft->name());
  state.mutable_update_mask()->add_paths("state");
  absl::Status state_path = contracts_.UpdateContract(call_, state, updated);
  EXPECT_EQ(state_path.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(state_path.message()), HasSubstr("ActivateContract"));

  ASSERT_THAT(Activate(*draft), IsOk());
  request.mutable_contract()->set_etag("");
  EXPECT_EQ(contracts_.UpdateContract(call_, request, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  v1::UpdateContractRequest title;
  title.mutable_contract()->set_name(draft->name());
  title.mutable_contract()->set_title("Fasteners 2024/25");
  title.mutable_update_mask()->add_paths("title");
  ASSERT_THAT(contracts_.UpdateContract(call_, title, updated), IsOk());
  EXPECT_EQ(updated.contract().title(), "Fasteners 2024/25");
  EXPECT_EQ(updated.contract().state(), v1::CONTRACT_STATE_ACTIVE);

  v1::UpdateContractRequest missing = title;
  missing.mutable_contract()->set_name("contracts/77");
  EXPECT_EQ(contracts_.UpdateContract(call_, missing, updated).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(
      AuditActions(draft->name()),
      ElementsAre(crm::common::v1::AUDIT_ACTION_UPDATE, crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
                  crm::common::v1::AUDIT_ACTION_UPDATE, crm::common::v1::AUDIT_ACTION_CREATE));
}

TEST_F(ContractServiceMySqlTest, ActivationMakesOfferingsAndTerminationEndsThem) {
  const v1::Supplier acme = MakeSupplier("Acme", v1::SUPPLIER_STATUS_PREFERRED);
  absl::StatusOr<v1::Contract> draft =
      CreateContract(ContractFor(acme, {{"BOLT-M8", 25, 1000}, {"NUT-M8", 10, 500}}));
  ASSERT_THAT(draft, IsOk());

  v1::TerminateContractRequest terminate;
  terminate.set_name(draft->name());
  terminate.set_reason("supplier quality");
  v1::TerminateContractResponse terminated;
  absl::Status early = contracts_.TerminateContract(call_, terminate, terminated);
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()), HasSubstr("from state DRAFT to TERMINATED"));

  v1::ActivateContractRequest activate;
  activate.set_name(draft->name());
  activate.set_etag("zz");
  v1::ActivateContractResponse activated;
  EXPECT_EQ(contracts_.ActivateContract(call_, activate, activated).code(),
            absl::StatusCode::kAborted);
  activate.set_etag(draft->etag());
  ASSERT_THAT(contracts_.ActivateContract(call_, activate, activated), IsOk());
  EXPECT_EQ(activated.contract().state(), v1::CONTRACT_STATE_ACTIVE);
  EXPECT_EQ(contracts_.ActivateContract(call_, activate, activated).code(),
            absl::StatusCode::kAborted);
  activate.set_etag("");
  absl::Status twice = contracts_.ActivateContract(call_, activate, activated);
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("from state ACTIVE to ACTIVE"));
  const std::string contract_id = IdOf(draft->name());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM offerings WHERE contract_id = ", contract_id,
                               " AND delete_time IS NULL AND valid_from = '2024-01-01'"
                               " AND valid_until = '2024-12-31'")),
            2);
  EXPECT_EQ(Count(absl::StrCat("SELECT unit_price_minor FROM offerings WHERE item = 'BOLT-M8'")),
            25);
  EXPECT_THAT(AuditActions("offerings/1"), ElementsAre(crm::common::v1::AUDIT_ACTION_CREATE));

  // SupplierService refuses to delete a supplier with an active contract.
  v1::DeleteSupplierRequest remove;
  remove.set_name(acme.name());
  v1::DeleteSupplierResponse removed;
  absl::Status refused = suppliers_.DeleteSupplier(call_, remove, removed);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("1 active contract"));

  terminate.set_reason("");
  EXPECT_EQ(contracts_.TerminateContract(call_, terminate, terminated).code(),
            absl::StatusCode::kInvalidArgument);
  terminate.set_reason(std::string(1001, 'r'));
  EXPECT_THAT(std::string(contracts_.TerminateContract(call_, terminate, terminated).message()),
              HasSubstr("reason"));
  const std::string reason = "Qualit\xC3\xA4t'; DELETE FROM offerings; --";
  terminate.set_reason(reason);
  ASSERT_THAT(contracts_.TerminateContract(call_, terminate, terminated), IsOk());
  EXPECT_EQ(terminated.contract().state(), v1::CONTRACT_STATE_TERMINATED);
  EXPECT_EQ(terminated.contract().termination_reason(), reason);
  EXPECT_EQ(GetContract(draft->name())->termination_reason(), reason);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM offerings WHERE contract_id = ", contract_id,
                               " AND delete_time IS NULL")),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM offerings"), 2);
  EXPECT_THAT(AuditActions("offerings/2"), ElementsAre(crm::common::v1::AUDIT_ACTION_DELETE,
                                                       crm::common::v1::AUDIT_ACTION_CREATE));
  EXPECT_EQ(contracts_.TerminateContract(call_, terminate, terminated).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(suppliers_.DeleteSupplier(call_, remove, removed), IsOk());
}

TEST_F(ContractServiceMySqlTest, AnActiveContractExpiresAfterItsTerm) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Contract active = ActiveContract(acme, {{"BOLT-M8", 25, 1000}});
  ASSERT_EQ(active.state(), v1::CONTRACT_STATE_ACTIVE);
  EXPECT_EQ(ListTitles("state = ACTIVE", ""), std::vector<std::string>{"Fasteners 2024"});

  Advance(absl::Hours(24 * 320));  // 2025-01-15
  EXPECT_EQ(GetContract(active.name())->state(), v1::CONTRACT_STATE_EXPIRED);
  EXPECT_TRUE(ListTitles("state = ACTIVE", "").empty());
  EXPECT_EQ(ListTitles("state = EXPIRED", ""), std::vector<std::string>{"Fasteners 2024"});
  v1::TerminateContractRequest terminate;
  terminate.set_name(active.name());
  terminate.set_reason("too late");
  v1::TerminateContractResponse terminated;
  absl::Status status = contracts_.TerminateContract(call_, terminate, terminated);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("EXPIRED"));

  // A draft whose term has passed cannot be put in force.
  absl::StatusOr<v1::Contract> stale = CreateContract(ContractFor(acme, {{"NUT", 1, 1}}));
  ASSERT_THAT(stale, IsOk());
  absl::Status late = Activate(*stale).status();
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("2024-12-31"));
}

TEST_F(ContractServiceMySqlTest, ListPagesFiltersAndOrders) {
  const v1::Supplier acme = MakeSupplier("Acme");
  const v1::Supplier bolt = MakeSupplier("Bolt");
  auto make = [&](const v1::Supplier& supplier, const std::string& title, int end_month,
                  const std::string& item, bool activate) {
    v1::Contract contract = ContractFor(supplier, {{item, 10, 10}});
    contract.set_title(title);
    *contract.mutable_end_date() = MakeDate(2024, end_month, 28);
    absl::StatusOr<v1::Contract> created = CreateContract(contract);
    ASSERT_THAT(created, IsOk());
    if (activate) {
      ASSERT_THAT(Activate(*created), IsOk());
    }
    Advance(absl::Seconds(1));
  };
  make(acme, "C", 9, "BOLT", true);
  make(acme, "A", 3, "NUT", false);
  make(bolt, "E", 12, "BOLT", true);
  make(acme, "B", 6, "BOLT", false);
  make(bolt, "D", 6, "WASHER", false);

  EXPECT_THAT(ListTitles("", ""), ElementsAre("A", "B", "D", "C", "E"));
  EXPECT_THAT(ListTitles("", "end_date desc"), ElementsAre("E", "C", "D", "B", "A"));
  EXPECT_THAT(ListTitles("", "create_time"), ElementsAre("C", "A", "E", "B", "D"));
  EXPECT_THAT(ListTitles("", "start_date desc"), ElementsAre("D", "B", "E", "A", "C"));
  EXPECT_THAT(ListTitles(absl::StrCat("supplier = ", acme.name()), ""), ElementsAre("A", "B", "C"));
  EXPECT_THAT(ListTitles("lines.item = \"BOLT\"", "create_time desc"), ElementsAre("B", "E", "C"));
  EXPECT_THAT(ListTitles("state = DRAFT AND end_date >= 2024-06-01", ""), ElementsAre("B", "D"));
  EXPECT_THAT(ListTitles("state != DRAFT", ""), ElementsAre("C", "E"));

  v1::ListContractsRequest bad;
  bad.set_filter("colour = red");
  v1::ListContractsResponse response;
  EXPECT_EQ(contracts_.ListContracts(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
  bad.set_filter("");
  bad.set_order_by("title");
  EXPECT_EQ(contracts_.ListContracts(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);

  v1::ListContractsRequest first;
  first.set_page_size(1);
  ASSERT_THAT(contracts_.ListContracts(call_, first, response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  v1::ListContractsRequest other;
  other.set_page_token(response.next_page_token());
  other.set_filter("state = DRAFT");
  EXPECT_EQ(contracts_.ListContracts(call_, other, response).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::supplier

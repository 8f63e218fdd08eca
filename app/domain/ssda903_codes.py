"""The SSDA903 return's code lists (children looked after, collection year 2025-26), with
the guidance's descriptions. The lists are the ones the DfE's validation rules check:
rule 103 (ETHNIC), 143 (RNE), 144 (LS), 145 (CIN), 146 (PLACE), 149 (REC), 167
(REVIEW_CODE), 178 (PLACE_PROVIDER), 1009 (REASON_PLACE_CHANGE)."""

from __future__ import annotations

GUIDANCE_YEAR = "2025-26"

# The API takes the person's sex as M, F or U (as the DfE's other child-level returns do
# since 2024-25); the SSDA903 header codes it 1 (male) or 2 (female), rule 101.
SEX: dict[str, str] = {"M": "Male", "F": "Female", "U": "Unknown or not recorded"}
# The return's SEX codes since 2024-25 (API.md): M, F and U, written as recorded.
SEX_903: dict[str, str] = {"M": "M", "F": "F", "U": "U"}

ETHNIC: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

CIN: dict[str, str] = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

LS: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20 (Children Act 1989)",
    "V3": "Accommodated under an agreed series of short-term breaks, when individual "
    "episodes of care are recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, when agreements are "
    "recorded (not individual episodes of care)",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984",
    "J3": "Sentenced to a Youth Rehabilitation Order with residence or intensive fostering "
    "requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order (EPO)",
    "L3": "Under child assessment order and in local authority accommodation",
}

RNE: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement only",
    "T": "Change of temporary placement only",
    "B": "Change of legal status and placement at the same time",
    "U": "Change of legal status and temporary placement at the same time",
}

PLACE: dict[str, str] = {
    "A3": "Placed for adoption with parental/placement order with current foster carer(s)",
    "A4": "Placed for adoption with parental/placement order not with current foster carer(s)",
    "A5": "Placed for adoption with placement order with current foster carer(s)",
    "A6": "Placed for adoption with placement order not with current foster carer(s)",
    "K1": "Secure children's home",
    "K2": "Children's home subject to Children's Homes Regulations",
    "K3": "Supported accommodation",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/Health Trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Residential school, except where dual-registered as a school and children's home",
    "T0": "Temporary placement: all types of temporary move",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary absences of the child on holiday",
    "T3": "Temporary accommodation whilst normal foster carer(s) is/are on holiday",
    "T4": "Temporary accommodation of seven days or less, for any reason not covered by "
    "codes T1 to T3",
    "U1": "Foster placement with relative or friend: long term fostering",
    "U2": "Foster placement with relative or friend who is also an approved adopter: FFA",
    "U3": "Foster placement with relative or friend: not long term or FFA",
    "U4": "Foster placement with other foster carer: long term fostering",
    "U5": "Foster placement with other foster carer who is also an approved adopter: FFA",
    "U6": "Foster placement with other foster carer: not long term or FFA",
    "Z11": "Other placement (Z1 as split from 2025-26): first sub-type",
    "Z12": "Other placement (Z1 as split from 2025-26): second sub-type",
    "Z13": "Other placement (Z1 as split from 2025-26): third sub-type",
    "Z14": "Other placement (Z1 as split from 2025-26): fourth sub-type",
}

PLACE_PROVIDER: dict[str, str] = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (e.g. by a health trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

REC: dict[str, str] = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parent(s), relative(s) or other person(s) with "
    "parental responsibility as part of the care planning process",
    "E4B": "Returned home to live with parent(s), relative(s) or other person(s) with "
    "parental responsibility, not as part of the current care planning process",
    "E13": "Left care to live with parent(s), relative(s) or other person(s) with no "
    "parental responsibility",
    "E41": "Residence order or child arrangement order granted",
    "E45": "Special guardianship order made to former foster carer(s), who was/are a "
    "relative(s) or friend(s)",
    "E46": "Special guardianship order made to former foster carer(s), other than "
    "relative(s) or friend(s)",
    "E47": "Special guardianship order made to carer(s), other than former foster carer(s), "
    "who was/are a relative(s) or friend(s)",
    "E48": "Special guardianship order made to carer(s), other than former foster carer(s), "
    "other than relative(s) or friend(s)",
    "E5": "Moved into independent living arrangement with formalised advice/support",
    "E6": "Moved into independent living arrangement with no formalised advice/support",
    "E7": "Transferred to residential care funded by adult social care services",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over and E5, E6 and E7 do not apply",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (inc. staying put)",
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
}

REASON_PLACE_CHANGE: dict[str, str] = {
    "CARPL": "Change to/implementation of care plan",
    "CLOSE": "Resignation/closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer(s) requests placement end due to child's behaviour",
    "CREQO": "Carer(s) requests placement end other than due to child's behaviour",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible/area authority requests placement end",
    "PLACE": "Change in the status of placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

REVIEW_CODE: dict[str, str] = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child physically attends and speaks for him or herself",
    "PN2": "Child physically attends and an advocate speaks on his or her behalf",
    "PN3": "Child attends and conveys his or her view symbolically (non-verbally)",
    "PN4": "Child physically attends but does not speak for him or herself, does not "
    "convey his or her view symbolically and does not ask an advocate to speak for him "
    "or her",
    "PN5": "Child does not attend physically but briefs an advocate to speak for him or her",
    "PN6": "Child does not attend but conveys his or her feelings to the review by a "
    "facilitative medium",
    "PN7": "Child does not attend nor are his or her views conveyed to the review",
}

TEMPORARY_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Placement types with no provider code (rules 213, 526) and with no URN (rules 218, 222).
NO_PROVIDER_PLACES = TEMPORARY_PLACES | {"Z11", "Z12", "Z13", "Z14"}
NO_URN_PLACES = NO_PROVIDER_PLACES | {"P1", "P3", "R1", "R2", "R5"}
# The URN of a setting Ofsted does not register (rules 222, 1008).
UNREGISTERED_URN = "XXXXXXX"


def describe(codes: dict[str, str]) -> str:
    """The codes and their meanings, for the contract's descriptions."""
    return "; ".join(f"{code}: {text}" for code, text in codes.items())

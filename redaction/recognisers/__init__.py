"""One recogniser per personal data type (see each module); ``default_recognisers`` lists them in
the order the engine runs them."""
from redaction.recognisers.address import AddressRecogniser
from redaction.recognisers.bank import BankRecogniser
from redaction.recognisers.base import PatternRecogniser, Recogniser
from redaction.recognisers.case_ref import CaseRefRecogniser
from redaction.recognisers.dob import DobRecogniser
from redaction.recognisers.email import EmailRecogniser
from redaction.recognisers.known import KnownRecogniser
from redaction.recognisers.nhs import NhsRecogniser
from redaction.recognisers.ni_number import NiNumberRecogniser
from redaction.recognisers.person import PersonRecogniser
from redaction.recognisers.phone import PhoneRecogniser
from redaction.recognisers.pnc import PncRecogniser
from redaction.recognisers.postcode import PostcodeRecogniser
from redaction.recognisers.prison_number import PrisonNumberRecogniser
from redaction.recognisers.reference_number import ReferenceNumberRecogniser
from redaction.recognisers.vehicle_reg import VehicleRegRecogniser

__all__ = ["Recogniser", "PatternRecogniser", "KnownRecogniser", "default_recognisers"]


def default_recognisers() -> list[Recogniser]:
    return [PhoneRecogniser(), NhsRecogniser(), NiNumberRecogniser(), CaseRefRecogniser(),
            PrisonNumberRecogniser(), PncRecogniser(), VehicleRegRecogniser(), BankRecogniser(),
            PostcodeRecogniser(), EmailRecogniser(), AddressRecogniser(), DobRecogniser(), PersonRecogniser(),
            ReferenceNumberRecogniser()]

//! `mlps report`: one network's grading report, for the client and the
//! audit firm, with the fields of the public security bureau's filing form.

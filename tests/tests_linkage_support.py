"""Data of the linkage tests."""

PEOPLE_CSV = (
    "record_id,given_name,family_name,full_name,sex,date_of_birth,age,phone,email,street,city,"
    "postcode,state,description\n"
    "R-1,Derek,Shepherd,,male,1966-09-10,,,,,Seattle,98101,WA,\n"
    "R-2,,,Alexander Karev,m,,34,,,,Seattle,,WA,\n"
    "BAD-1,Nobody,Known,,,1990-13-45,,,,,,,,\n"
    "R-3,Isobel,Stevens,,female,1994-05-17,,+1 206 555 0199,,,Seattle,,WA,\n"
)

"""Data of the linkage tests."""

PEOPLE_CSV = (
    "record_id,given_name,family_name,full_name,sex,date_of_birth,age,phone,email,street,city,"
    "postcode,state,description\n"
    "R-1,Derek,Shepherd,,male,1966-09-10,,,,,Seattle,98101,WA,\n"
    "R-2,,,Alexander Karev,m,,34,,,,Seattle,,WA,\n"
    "BAD-1,Nobody,Known,,,1990-13-45,,,,,,,,\n"
    "R-3,Isobel,Stevens,,female,1994-05-17,,+1 206 555 0199,,,Seattle,,WA,\n"
)

# A household registry: the same street names and surnames, so that term frequencies and
# household keys have something to count. Synthetic people only.
HOUSEHOLD_CSV = (
    "record_id,given_name,family_name,sex,date_of_birth,street,address_2,city,postcode,state\n"
    "H-1,Joel,Coane,male,1915-04-12,12 Coane Street,Mountview,Thornlands,2548,NSW\n"
    "H-2,Mitchell,Green,male,1956-04-09,7 Wallaby Place,Delmar,Cleveland,2119,SA\n"
    "H-3,Harley,Green,female,1908-04-19,177 Pridham Street,Milton,Marsden,3165,NSW\n"
    "H-4,Madeline,Green,female,1908-11-28,54 Hoseason Street,Lakefront,Granville,4881,NSW\n"
    "H-5,Toby,Webb,male,1994-05-03,6 Kent Street,Kersey South,Towradgi,3107,NSW\n"
    "H-6,Hudson,Lowry,male,1981-06-07,9 Ocean Road,,Granville,4881,NSW\n"
    "H-7,Lydia,Mccarthy,female,1975-12-20,32 Mckillop Circuit,Telemon,Corio,4670,NSW\n"
)

mod fixture;
mod fuzz;
mod his;
mod pharmacy;
mod report;
mod run;
mod worklists;
mod workspace;

mod fixture;
mod fuzz;
mod his;
mod pharmacy;
mod report;
mod worklists;
mod workspace;
